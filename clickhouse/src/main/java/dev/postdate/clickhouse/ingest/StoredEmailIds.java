package dev.postdate.clickhouse.ingest;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.SqlLiteral;
import dev.postdate.core.intake.PackedEmail;
import dev.postdate.core.intake.SeqBlock;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which of a packet's emails are already stored under given seq blocks. The read is bounded on both
 * sides of the sort key prefix ({@code send_at} between the packet's earliest and latest), which
 * 18.16 answers from the primary index instead of scanning the table.
 */
@Singleton
public class StoredEmailIds {

    private final ClickHouseSql sql;

    public StoredEmailIds(ClickHouseSql sql) {
        this.sql = sql;
    }

    public Set<String> in(Instant earliestSendAt, Instant latestSendAt, List<SeqBlock> blocks) {
        if (blocks.isEmpty()) {
            return Set.of();
        }
        String seqRanges = blocks.stream()
                .map(block -> "(seq >= " + block.start() + " AND seq <= " + block.end() + ")")
                .collect(Collectors.joining(" OR "));
        List<List<String>> rows = sql.select("SELECT DISTINCT id FROM " + sql.table("emails")
                + " WHERE send_at >= toDateTime(" + earliestSendAt.getEpochSecond() + ")"
                + " AND send_at <= toDateTime(" + latestSendAt.getEpochSecond() + ")"
                + " AND (" + seqRanges + ")");
        Set<String> ids = new HashSet<>(rows.size() * 2);
        rows.forEach(row -> ids.add(row.getFirst()));
        return ids;
    }

    /**
     * Which of these emails (by tenant and id) are stored under any key: a campaign email published again
     * after its expander stopped between SQS and its checkpoint carries an id stored before.
     *
     * @return "tenant\nid" of each stored one
     */
    public Set<String> storedById(Collection<PackedEmail> emails) {
        if (emails.isEmpty()) {
            return Set.of();
        }
        Set<String> tuples = new LinkedHashSet<>();
        emails.forEach(e -> tuples.add("(" + SqlLiteral.string(e.tenant()) + ", " + SqlLiteral.string(e.id()) + ")"));
        Set<String> stored = new HashSet<>();
        sql.selectIn("SELECT DISTINCT tenant, id FROM " + sql.table("emails_by_id") + " WHERE (tenant, id) IN (", tuples, ")")
                .forEach(row -> stored.add(key(row.get(0), row.get(1))));
        return stored;
    }

    public static String key(String tenant, String id) {
        return tenant + "\n" + id;
    }
}
