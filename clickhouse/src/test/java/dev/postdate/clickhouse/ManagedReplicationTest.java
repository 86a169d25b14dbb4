package dev.postdate.clickhouse;

import com.clickhouse.client.api.Client;
import dev.postdate.core.testing.TestEnvironment;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code managed-replication} (ClickHouse Cloud) gives every query the settings of cluster mode without
 * a cluster or a quorum, and a server that replicates nothing takes them too, so that the same
 * configuration can run against one local server; it does not go with a self-run cluster's settings.
 */
class ManagedReplicationTest {

    @Test
    void everyQueryCarriesTheSettingsAndOneServerTakesThem() throws Exception {
        try (TestEnvironment env = TestEnvironment.create(getClass())) {
            ClickHouseSettings local = ClickHouseTestSupport.settingsFor(env);
            ClickHouseSettings managed = new ClickHouseSettings(local.url(), local.user(), local.password(),
                    local.database(), false, "", 0, local.insertQuorumTimeout(), true, local.keepAlive());
            try (Client client = ClickHouseClientFactory.newClient(managed)) {
                ClickHouseSql sql = new ClickHouseSql(client, managed.database());
                Map<String, String> settings = sql.select("SELECT name, value FROM system.settings WHERE name IN "
                                + "('select_sequential_consistency', 'insert_deduplicate', 'insert_quorum')").stream()
                        .collect(Collectors.toMap(List::getFirst, row -> row.get(1)));
                assertEquals(Map.of("select_sequential_consistency", "1", "insert_deduplicate", "0", "insert_quorum", "0"),
                        settings);

                // A plain table deduplicates nothing anyway: this shows the server runs both statements with them.
                sql.execute("CREATE DATABASE IF NOT EXISTS " + managed.database());
                sql.execute("CREATE TABLE " + sql.table("managed") + " (id String) ENGINE = MergeTree ORDER BY id");
                sql.execute("INSERT INTO " + sql.table("managed") + " VALUES ('a')");
                assertEquals(List.of(List.of("1")), sql.select("SELECT count() FROM " + sql.table("managed")));
            }
        }
    }

    @Test
    void aSelfRunClusterOrQuorumIsRefusedAlongside() {
        IllegalArgumentException withCluster = assertThrows(IllegalArgumentException.class, () -> new ClickHouseSettings(
                "http://127.0.0.1:1", "default", "", "postdate", false, "postdate", 0, Duration.ofSeconds(10), true,
                Duration.ofSeconds(2)));
        assertTrue(withCluster.getMessage().contains("managed-replication"), withCluster.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ClickHouseSettings("http://127.0.0.1:1", "default", "",
                "postdate", false, "", 2, Duration.ofSeconds(10), true, Duration.ofSeconds(2)));
    }
}
