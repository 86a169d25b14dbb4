package dev.postdate.api.contacts.imports;

import io.micronaut.context.annotation.ConfigurationProperties;
import jakarta.validation.constraints.Positive;

/**
 * How contact imports run; defaults in application.yml, overridable as POSTDATE_CONTACTS_IMPORTS_*.
 *
 * @param chunkRows  contacts written to ClickHouse per insert; the import's progress is written after each
 * @param maxErrors  row errors kept per import (the first ones); later bad rows are counted only
 * @param listLimit  most imports {@code GET /v1/contacts/imports} returns
 */
@ConfigurationProperties("postdate.contacts.imports")
public record ImportSettings(@Positive int chunkRows, @Positive int maxErrors, @Positive int listLimit) {
}
