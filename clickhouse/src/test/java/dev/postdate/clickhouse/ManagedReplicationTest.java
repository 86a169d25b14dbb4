package dev.postdate.clickhouse;

import com.clickhouse.client.api.Client;
import dev.postdate.core.testing.TestEnvironment;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code managed-replication} (ClickHouse Cloud) gives every query the settings of cluster mode without
 * a cluster or a quorum, and a server that replicates nothing takes them too, so that the same
 * configuration can run against one local server.
 */
class ManagedReplicationTest {

    @Test
    void readsAskForSequentialConsistencyAndIdenticalInsertsAreBothKept() throws Exception {
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

                sql.execute("CREATE DATABASE IF NOT EXISTS " + managed.database());
                sql.execute("CREATE TABLE " + sql.table("managed") + " (id String) ENGINE = MergeTree ORDER BY id");
                sql.execute("INSERT INTO " + sql.table("managed") + " VALUES ('a')");
                sql.execute("INSERT INTO " + sql.table("managed") + " VALUES ('a')");
                assertEquals(List.of(List.of("2")), sql.select("SELECT count() FROM " + sql.table("managed")));
            }
        }
    }
}
