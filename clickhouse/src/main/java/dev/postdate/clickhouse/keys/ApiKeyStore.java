package dev.postdate.clickhouse.keys;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.RowBinaryWriter;
import dev.postdate.clickhouse.Sql;
import jakarta.inject.Singleton;

import io.micronaut.core.annotation.Nullable;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * API keys in ClickHouse ({@code api_keys}, a ReplacingMergeTree by version): a revocation writes a
 * newer version of the key's row, and reads take the newest version per key, so they are correct
 * before and after merges.
 */
@Singleton
public class ApiKeyStore {

    private final ClickHouseSql sql;
    private final Clock clock;

    public ApiKeyStore(ClickHouseSql sql, Clock clock) {
        this.sql = sql;
        this.clock = clock;
    }

    /** A key that never expires. */
    public CreatedApiKey create(String tenant) {
        return create(tenant, null);
    }

    /** @param expiresIn how long the key is accepted from now; null: until revoked */
    public CreatedApiKey create(String tenant, @Nullable Duration expiresIn) {
        if (!ApiKeys.TENANT.matcher(tenant).matches()) {
            throw new IllegalArgumentException("A tenant name is 1-64 of a-z, 0-9, '_', '-', starting with a letter or digit");
        }
        if (expiresIn != null && (expiresIn.isNegative() || expiresIn.isZero())) {
            throw new IllegalArgumentException("A key's lifetime must be positive");
        }
        if (expiresIn != null && expiresIn.compareTo(Duration.between(clock.instant(), RowBinaryWriter.LAST_DATE_TIME)) > 0) {
            throw new IllegalArgumentException("A key's lifetime must end by " + RowBinaryWriter.LAST_DATE_TIME
                    + ", the last time ClickHouse's DateTime holds; leave it out for a key that never expires");
        }
        String keyId = ApiKeys.newKeyId();
        String key = ApiKeys.newKey(keyId);
        long now = clock.millis();
        long expiresAt = expiresIn == null ? 0 : (now + expiresIn.toMillis()) / 1000;
        sql.insert(sql.table("api_keys"), List.of("key_id", "tenant", "key_hash", "created_at", "expires_at", "version"),
                List.of(key), (out, k) -> {
                    out.string(keyId);
                    out.string(tenant);
                    out.string(ApiKeys.hash(k));
                    out.dateTime(Instant.ofEpochMilli(now));
                    out.dateTime(Instant.ofEpochSecond(expiresAt));
                    out.uint64(now);
                });
        return new CreatedApiKey(keyId, tenant, key);
    }

    /** @return false when no such key exists or it is already revoked */
    public boolean revoke(String keyId) {
        long now = clock.millis();
        Sql newest = Sql.of("SELECT * FROM (").sql(newestVersions()).sql(") WHERE key_id = ").value(keyId)
                .sql(" AND toUnixTimestamp(last_revoked_at) = 0");
        if (sql.select(newest).isEmpty()) {
            return false;
        }
        sql.execute(Sql.of("INSERT INTO " + sql.table("api_keys")
                + " (key_id, tenant, key_hash, created_at, expires_at, revoked_at, version)"
                + " SELECT key_id, last_tenant, last_key_hash, last_created_at, last_expires_at, toDateTime("
                + now / 1000 + ", 'UTC'), " + now + " FROM (").sql(newest).sql(")"));
        return true;
    }

    /** Every key not revoked (expired ones included: the caller judges expiry by its clock), by SHA-256 hex. */
    public Map<String, ActiveKey> activeKeys() {
        List<List<String>> rows = sql.select(Sql.of("SELECT last_key_hash, last_tenant, toUnixTimestamp(last_expires_at) FROM (")
                .sql(newestVersions()).sql(") WHERE toUnixTimestamp(last_revoked_at) = 0"));
        Map<String, ActiveKey> keys = new HashMap<>(rows.size() * 2);
        rows.forEach(row -> keys.put(row.get(0), new ActiveKey(row.get(1), epochOrNull(row.get(2)))));
        return keys;
    }

    /**
     * The key presented, if it exists and is not revoked: one lookup by its key id (the table's
     * sort key), for a key the api has not loaded yet. A text that is not a key's format costs no query.
     */
    public Optional<ActiveKey> find(String presentedKey) {
        Optional<String> keyId = ApiKeys.keyIdOf(presentedKey);
        if (keyId.isEmpty()) {
            return Optional.empty();
        }
        List<List<String>> rows = sql.select(Sql.of("SELECT last_key_hash, last_tenant, toUnixTimestamp(last_expires_at) FROM (")
                .sql(newestVersions(Sql.of(" WHERE key_id = ").value(keyId.get())))
                .sql(") WHERE toUnixTimestamp(last_revoked_at) = 0"));
        String hash = ApiKeys.hash(presentedKey);
        return rows.stream()
                .filter(row -> MessageDigest.isEqual(row.get(0).getBytes(StandardCharsets.US_ASCII),
                        hash.getBytes(StandardCharsets.US_ASCII)))
                .findFirst()
                .map(row -> new ActiveKey(row.get(1), epochOrNull(row.get(2))));
    }

    /** Every key, or a tenant's, oldest first; never a secret or hash. */
    public List<KeyListing> list(@Nullable String tenant) {
        Sql where = tenant == null ? Sql.of("") : Sql.of(" WHERE last_tenant = ").value(tenant);
        return sql.select(Sql.of("SELECT key_id, last_tenant, toUnixTimestamp(last_created_at), toUnixTimestamp(last_expires_at),"
                        + " toUnixTimestamp(last_revoked_at) FROM (").sql(newestVersions()).sql(")").sql(where)
                        .sql(" ORDER BY last_created_at, key_id")).stream()
                .map(row -> new KeyListing(row.get(0), row.get(1), Instant.ofEpochSecond(Long.parseLong(row.get(2))),
                        epochOrNull(row.get(3)), epochOrNull(row.get(4))))
                .toList();
    }

    private static Instant epochOrNull(String seconds) {
        long value = Long.parseLong(seconds);
        return value == 0 ? null : Instant.ofEpochSecond(value);
    }

    private Sql newestVersions() {
        return newestVersions(Sql.of(""));
    }

    /** Aliases differ from the column names: ClickHouse would otherwise substitute them into argMax. */
    private Sql newestVersions(Sql where) {
        return Sql.of("SELECT key_id, argMax(tenant, version) AS last_tenant, argMax(key_hash, version) AS last_key_hash,"
                + " argMax(created_at, version) AS last_created_at, argMax(revoked_at, version) AS last_revoked_at,"
                + " argMax(expires_at, version) AS last_expires_at"
                + " FROM " + sql.table("api_keys")).sql(where).sql(" GROUP BY key_id");
    }
}
