package dev.postdate.clickhouse.keys;

/** A new key: {@code key} is shown to the operator once and never stored. */
public record CreatedApiKey(String keyId, String tenant, String key) {

    @Override
    public String toString() {
        return "CreatedApiKey[keyId=" + keyId + ", tenant=" + tenant + "]";
    }
}
