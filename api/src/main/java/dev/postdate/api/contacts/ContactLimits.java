package dev.postdate.api.contacts;

import io.micronaut.context.annotation.ConfigurationProperties;
import jakarta.validation.constraints.Positive;

/**
 * Limits of contact writes; defaults in application.yml, overridable as POSTDATE_CONTACTS_*.
 *
 * @param maxBatch       most contacts in one {@code POST /v1/contacts}
 * @param maxAttributes  most attributes of one contact
 * @param maxListItems   most strings in one list attribute
 * @param maxValueLength longest string (attribute value, list item, name, consent source), in characters
 * @param maxIdLength    longest contact id
 */
@ConfigurationProperties("postdate.contacts")
public record ContactLimits(@Positive int maxBatch, @Positive int maxAttributes, @Positive int maxListItems,
                            @Positive int maxValueLength, @Positive int maxIdLength) {
}
