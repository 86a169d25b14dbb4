package dev.postdate.clickhouse.keys;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.SqlLiteral;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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

    public CreatedApiKey create(String tenant) {
        if (!ApiKeys.TENANT.matcher(tenant).matches()) {
            throw new IllegalArgumentException("A tenant name is 1-64 of a-z, 0-9, '_', '-', starting with a letter or digit");
        }
        String keyId = ApiKeys.newKeyId();
        String key = ApiKeys.newKey(keyId);
        long now = clock.millis();
        sql.execute("INSERT INTO " + sql.table("api_keys")
                + " (key_id, tenant, key_hash, created_at, version) VALUES ("
                + SqlLiteral.string(keyId) + ", " + SqlLiteral.string(tenant) + ", "
                + SqlLiteral.string(ApiKeys.hash(key)) + ", toDateTime(" + now / 1000 + ", 'UTC'), " + now + ")");
        return new CreatedApiKey(keyId, tenant, key);
    }

    /** @return false when no such key exists or it is already revoked */
    public boolean revoke(String keyId) {
        long now = clock.millis();
        String newest = "SELECT * FROM (" + newestVersions() + ") WHERE key_id = " + SqlLiteral.string(keyId)
                + " AND toUnixTimestamp(last_revoked_at) = 0";
        if (sql.select(newest).isEmpty()) {
            return false;
        }
        sql.execute("INSERT INTO " + sql.table("api_keys")
                + " (key_id, tenant, key_hash, created_at, revoked_at, version)"
                + " SELECT key_id, last_tenant, last_key_hash, last_created_at, toDateTime(" + now / 1000 + ", 'UTC'), "
                + now + " FROM (" + newest + ")");
        return true;
    }

    /** Every usable key: SHA-256 hex of the key to its tenant. */
    public Map<String, String> activeKeyTenants() {
        List<List<String>> rows = sql.select("SELECT last_key_hash, last_tenant FROM (" + newestVersions()
                + ") WHERE toUnixTimestamp(last_revoked_at) = 0");
        Map<String, String> tenants = new HashMap<>(rows.size() * 2);
        rows.forEach(row -> tenants.put(row.get(0), row.get(1)));
        return tenants;
    }

    /** Aliases differ from the column names: ClickHouse would otherwise substitute them into argMax. */
    private String newestVersions() {
        return "SELECT key_id, argMax(tenant, version) AS last_tenant, argMax(key_hash, version) AS last_key_hash,"
                + " argMax(created_at, version) AS last_created_at, argMax(revoked_at, version) AS last_revoked_at"
                + " FROM " + sql.table("api_keys") + " GROUP BY key_id";
    }
}
