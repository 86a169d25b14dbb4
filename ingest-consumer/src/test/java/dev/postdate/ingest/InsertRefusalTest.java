package dev.postdate.ingest;

import com.clickhouse.client.api.Client;
import dev.postdate.clickhouse.ClickHouseClientFactory;
import dev.postdate.clickhouse.ClickHouseSettings;
import dev.postdate.clickhouse.RowBinaryInsert;
import dev.postdate.core.testing.TestServices;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What counts towards dead-lettering a packet: ClickHouse's own error answers, never an unreachable server. */
class InsertRefusalTest {

    private final TestServices services = TestServices.current();

    @Test
    void anErrorClickHouseAnswersIsARefusal() {
        try (Client client = client(services.clickhouseUrl())) {
            RuntimeException failure = assertThrows(RuntimeException.class, () -> insertOneRow(client, "default.no_such_table"));
            assertTrue(BatchWriter.refusal(failure).isPresent(), failure.toString());
        }
    }

    @Test
    void aServerThatCannotBeReachedIsNoRefusal() {
        // Port 1 (tcpmux) is closed on the test machines: the connection is refused.
        try (Client client = client("http://127.0.0.1:1")) {
            RuntimeException failure = assertThrows(RuntimeException.class, () -> insertOneRow(client, "default.emails"));
            assertFalse(BatchWriter.refusal(failure).isPresent(), failure.toString());
        }
    }

    private Client client(String url) {
        return ClickHouseClientFactory.newClient(new ClickHouseSettings(url, services.clickhouseUser(),
                services.clickhousePassword(), "default", false));
    }

    private static void insertOneRow(Client client, String table) {
        RowBinaryInsert.insert(client, table, List.of("x"), List.of(1L), (out, row) -> out.uint64(row), Duration.ofSeconds(10));
    }
}
