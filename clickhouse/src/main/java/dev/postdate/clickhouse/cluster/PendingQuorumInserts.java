package dev.postdate.clickhouse.cluster;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.SqlLiteral;
import jakarta.inject.Singleton;

import java.util.List;

/**
 * Whether an insert into one of Postdate's replicated tables is still waiting for its quorum. Such an
 * insert's part is written on the replica that took it but hidden from every read (reads ask for
 * {@code select_sequential_consistency}), and it becomes visible whenever the other replicas fetch it,
 * which may be long after its writer gave up at its deadline: rows that are not there yet, but may still
 * appear. ZooKeeper knows: a pending quorum insert is the table's {@code quorum/status} node (18.16, one
 * at a time) or a child of {@code quorum/parallel} (current servers). Only {@code emails} and the views
 * it feeds are asked about (the tables the arrival horizon speaks for): their ZooKeeper paths, which the
 * migrator names after the table it created ({@code .../emails}, {@code .../emails_v008} that V012 renamed
 * to {@code emails}, {@code .../emails_by_seq}, ...), all end in {@code /emails} and a suffix.
 */
@Singleton
public class PendingQuorumInserts {

    private final ClickHouseSql sql;

    public PendingQuorumInserts(ClickHouseSql sql) {
        this.sql = sql;
    }

    /** True while an insert into {@code emails} or one of its views waits for its quorum. */
    public boolean intoEmails() {
        List<List<String>> tables = sql.select("SELECT zookeeper_path FROM system.replicas WHERE database = "
                + SqlLiteral.string(sql.database()) + " AND match(zookeeper_path, '/emails[a-z0-9_]*$')");
        for (List<String> table : tables) {
            String quorum = table.getFirst() + "/quorum";
            List<String> nodes = children(quorum);
            if (nodes.contains("status") || nodes.contains("parallel") && !children(quorum + "/parallel").isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private List<String> children(String path) {
        return sql.select("SELECT name FROM system.zookeeper WHERE path = " + SqlLiteral.string(path))
                .stream().map(List::getFirst).toList();
    }
}
