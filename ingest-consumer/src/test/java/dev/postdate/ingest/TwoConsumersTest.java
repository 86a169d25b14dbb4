package dev.postdate.ingest;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.core.testing.Management;
import dev.postdate.core.testing.TestEnvironment;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.postdate.ingest.IngestTestSupport.await;
import static dev.postdate.ingest.IngestTestSupport.messagesLeft;
import static dev.postdate.ingest.IngestTestSupport.packet;
import static dev.postdate.ingest.IngestTestSupport.rawRows;
import static dev.postdate.ingest.IngestTestSupport.readerCounts;
import static dev.postdate.ingest.IngestTestSupport.send;
import static org.junit.jupiter.api.Assertions.assertEquals;

class TwoConsumersTest {

    @Test
    void twoConsumersOnOneQueueStoreEveryEmailOnce() throws Exception {
        String tenant = "tenant-" + UUID.randomUUID();
        try (TestEnvironment env = TestEnvironment.create(getClass())) {
            Map<String, Object> properties = IngestTestSupport.properties(env, true);
            // Small batches, so that both consumers write many interleaved inserts.
            properties.put("postdate.ingest.batch-emails", 40);
            Map<String, Object> secondProperties = new HashMap<>(properties);
            secondProperties.put("endpoints.all.port", Management.freePort());
            try (EmbeddedServer first = ApplicationContext.run(EmbeddedServer.class, properties);
                 EmbeddedServer second = ApplicationContext.run(EmbeddedServer.class, secondProperties)) {
                for (int i = 0; i < 40; i++) {
                    send(env, first.getApplicationContext(), packet(tenant, 15));
                }
                ClickHouseSql sql = first.getApplicationContext().getBean(ClickHouseSql.class);
                await("600 emails", () -> readerCounts(sql, tenant).getFirst() >= 600);
                await("messages deleted", () -> messagesLeft(env, env.intakeQueue()) == 0);
                assertEquals(List.of(600L, 600L), readerCounts(sql, tenant));
                assertEquals(600, rawRows(sql, tenant));
                long distinctSeq = Long.parseLong(sql.select("SELECT uniqExact(seq) FROM " + sql.table("emails"))
                        .getFirst().getFirst());
                assertEquals(600, distinctSeq, "every email its own arrival number");
            }
        }
    }
}
