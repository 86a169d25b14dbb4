package dev.postdate.core.intake;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * An accepted email as an intake message carries it: the fields a stored row is keyed and scoped
 * by, and the content as the JSON the worker will read. The api serializes the content once; the
 * ingest consumer stores those bytes as they are, never decoding them.
 *
 * @param content UTF-8 JSON of {@link dev.postdate.core.email.EmailContent}
 */
public record PackedEmail(String id, String tenant, String batchId, Instant sendAt, Instant acceptedAt,
                          byte[] content) {

    public PackedEmail {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(batchId, "batchId");
        Objects.requireNonNull(sendAt, "sendAt");
        Objects.requireNonNull(acceptedAt, "acceptedAt");
        Objects.requireNonNull(content, "content");
    }

    /** Bytes this email adds to a packet before compression: its fields, four lengths, two instants. */
    int framedSize() {
        return content.length + id.length() + tenant.length() + batchId.length() + 4 * 4 + 2 * 12;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PackedEmail that && id.equals(that.id) && tenant.equals(that.tenant)
                && batchId.equals(that.batchId) && sendAt.equals(that.sendAt) && acceptedAt.equals(that.acceptedAt)
                && Arrays.equals(content, that.content);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, tenant, batchId, sendAt, acceptedAt, Arrays.hashCode(content));
    }

    @Override
    public String toString() {
        return "PackedEmail[id=" + id + ", tenant=" + tenant + ", batchId=" + batchId + ", sendAt=" + sendAt
                + ", acceptedAt=" + acceptedAt + ", content=" + content.length + " bytes]";
    }
}
