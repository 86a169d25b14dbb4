package dev.postdate.clickhouse;

import com.clickhouse.client.api.Client;
import dev.postdate.core.testing.TestEnvironment;
import dev.postdate.core.testing.TestServices;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What counts towards dead-lettering a packet: ClickHouse's errors about the insert, never an unreachable or unwell server. */
class InsertRefusalsTest {

    private final TestServices services = TestServices.current();

    @Test
    void anErrorClickHouseAnswersAboutTheInsertIsARefusal() throws Exception {
        try (TestEnvironment env = TestEnvironment.create(InsertRefusalsTest.class);
             Client client = client(services.clickhouseUrl())) {
            ClickHouseSql sql = new ClickHouseSql(client, env.database());
            sql.execute("CREATE DATABASE IF NOT EXISTS " + env.database());
            sql.execute("CREATE TABLE " + sql.table("numbers") + " (n UInt64) ENGINE = Memory");
            // One byte where a UInt64 needs eight: code 33, about this insert's data only.
            RuntimeException failure = assertThrows(RuntimeException.class, () -> RowBinaryInsert.insert(client,
                    sql.table("numbers"), List.of("n"), List.of(""), RowBinaryWriter::string, Duration.ofSeconds(10)));
            assertTrue(InsertRefusals.refusal(failure).isPresent(), failure.toString());
        }
    }

    @Test
    void anErrorAboutTheServersStateIsNoRefusal() {
        try (Client client = client(services.clickhouseUrl())) {
            // Code 60: a table that is missing, as during a schema change, says nothing about the packet.
            RuntimeException failure = assertThrows(RuntimeException.class, () -> insertOneRow(client, "default.no_such_table", "x"));
            assertFalse(InsertRefusals.refusal(failure).isPresent(), failure.toString());
        }
    }

    @Test
    void aServerThatCannotBeReachedIsNoRefusal() {
        // Port 1 (tcpmux) is closed on the test machines: the connection is refused.
        try (Client client = client("http://127.0.0.1:1")) {
            RuntimeException failure = assertThrows(RuntimeException.class, () -> insertOneRow(client, "default.emails", "x"));
            assertFalse(InsertRefusals.refusal(failure).isPresent(), failure.toString());
        }
    }

    private Client client(String url) {
        return ClickHouseClientFactory.newClient(ClickHouseSettings.singleNode(url, services.clickhouseUser(),
                services.clickhousePassword(), "default"));
    }

    private static void insertOneRow(Client client, String table, String column) {
        RowBinaryInsert.insert(client, table, List.of(column), List.of(1L), (out, row) -> out.uint64(row), Duration.ofSeconds(10));
    }
}
