package dev.postdate.api.intake;

import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/** The body of {@code POST /v1/emails/batch}, for the OpenAPI document; read by {@link EmailRequestReader}. */
@Serdeable
public record BatchRequest(List<EmailRequest> emails) {
}
