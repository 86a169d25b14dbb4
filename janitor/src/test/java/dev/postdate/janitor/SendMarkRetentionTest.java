package dev.postdate.janitor;

import dev.postdate.clickhouse.ClickHouseException;
import dev.postdate.clickhouse.ClickHouseSettings;
import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.ServerVersion;
import dev.postdate.clickhouse.migrations.SchemaOnStart;
import dev.postdate.clickhouse.retention.SendMarkRetention;
import dev.postdate.core.testing.Await;
import dev.postdate.core.testing.TestEnvironment;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The janitor drops whole months of send marks once every send time in them is past the retention,
 * and reads of the table go on; with quorum inserts on a server whose DROP PARTITION breaks those reads
 * (18.16, the local cluster) it keeps them.
 */
class SendMarkRetentionTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyyMM").withZone(ZoneOffset.UTC);

    @Test
    void monthsWhollyPastTheRetentionAreDroppedAndNoOther() throws Exception {
        try (TestEnvironment env = TestEnvironment.create(getClass())) {
            Map<String, Object> properties = new HashMap<>(env.properties());
            properties.put("postdate.retention.send-marks-after", "45d");
            properties.put("postdate.retention.interval", "200ms");
            try (ApplicationContext context = ApplicationContext.run(properties)) {
                assertTrue(context.getBean(SchemaOnStart.class).awaitCurrent(DEADLINE), "schema");
                ClickHouseSql sql = context.getBean(ClickHouseSql.class);
                YearMonth cutoffMonth = YearMonth.from(Instant.now().minus(Duration.ofDays(45)).atZone(ZoneOffset.UTC));
                // The last second of the month before the cutoff's month: gone. The first second of the
                // cutoff's month: that month still holds send times within the retention, it stays.
                Instant before = cutoffMonth.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().minusSeconds(1);
                Instant within = cutoffMonth.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
                mark(sql, "old", before.minus(Duration.ofDays(100)));
                mark(sql, "month-before", before);
                mark(sql, "cutoff-month", within);
                mark(sql, "recent", Instant.now());

                if (keepsMarks(context, sql)) {
                    SendMarkRetention.Run run = context.getBean(SendMarkRetention.class)
                            .drop(Instant.now().minus(Duration.ofDays(45)));
                    assertEquals(new SendMarkRetention.Run(List.of(), true), run);
                    context.getBean(PayloadRetentionJob.class).run();
                    assertEquals(List.of("cutoff-month", "month-before", "old", "recent"), ids(sql),
                            "kept by the janitor's runs, and still readable with sequential consistency");
                    // Why: the drop the janitor leaves out breaks every later read of the table on this server.
                    // Should a server stop doing so, this fails, and SendMarkRetention.DROP_CLEARS_QUORUM can move.
                    sql.execute("ALTER TABLE " + sql.table("send_marks") + " DROP PARTITION "
                            + MONTH.format(before.minus(Duration.ofDays(100))));
                    ClickHouseException broken = assertThrows(ClickHouseException.class, () -> ids(sql));
                    assertTrue(broken.getMessage().contains("code 289"), broken.getMessage());
                    return;
                }
                assertTrue(Await.until(DEADLINE, () -> ids(sql).equals(List.of("cutoff-month", "recent"))), "dropped");
                assertEquals(List.of("cutoff-month", "recent"), ids(sql));
                mark(sql, "after-the-drop", Instant.now());
                assertEquals(List.of("after-the-drop", "cutoff-month", "recent"), ids(sql), "read after the drop");
            }
        }
    }

    /** Quorum inserts on a server whose DROP PARTITION would break sequentially consistent reads (the 18.16 cluster). */
    private static boolean keepsMarks(ApplicationContext context, ClickHouseSql sql) {
        return context.getBean(ClickHouseSettings.class).insertQuorum() > 0
                && !ServerVersion.of(sql).atLeast(SendMarkRetention.DROP_CLEARS_QUORUM);
    }

    private static void mark(ClickHouseSql sql, String id, Instant sendAt) {
        sql.execute("INSERT INTO " + sql.table("send_marks") + " (send_at, seq, tenant, id, worker, mark, version)"
                + " VALUES (toDateTime(" + sendAt.getEpochSecond() + ", 'UTC'), 1, 'acme', '" + id + "', 'w', 'sending', 1)");
    }

    private static List<String> ids(ClickHouseSql sql) {
        return sql.select("SELECT id FROM " + sql.table("send_marks") + " ORDER BY id").stream()
                .map(List::getFirst).toList();
    }
}
