package dev.postdate.api.operator;

import io.micronaut.context.annotation.ConfigurationProperties;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;

import java.util.List;

/**
 * Who may use the operator API ({@code /operator/**}). Unset, the operator API does not exist: its
 * routes answer 404. Only hashes are configured, so the configuration holds no usable secret.
 *
 * @param tokenHashes SHA-256 (lower-case hex) of each accepted operator token,
 *                    {@code printf %s "$TOKEN" | sha256sum}; several allow rotating a token
 */
@ConfigurationProperties("postdate.api.operator")
public record OperatorSettings(
        @NotEmpty List<@Pattern(regexp = "[0-9a-f]{64}", message = "must be a lower-case hex SHA-256") String> tokenHashes) {
}
