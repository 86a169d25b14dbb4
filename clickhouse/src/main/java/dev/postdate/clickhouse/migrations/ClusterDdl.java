package dev.postdate.clickhouse.migrations;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a migration's single-server DDL into the cluster's: every CREATE, RENAME and DROP runs
 * {@code ON CLUSTER}, so that each replica gets it from ZooKeeper's DDL queue whichever replica a
 * component asked, and every {@code *MergeTree} engine becomes its {@code Replicated*MergeTree}, whose
 * ZooKeeper path names the database and the table the statement creates. The migration files stay the
 * single-server text (they are never edited once applied); inserts are left as they are, since a
 * replicated table copies what one replica takes. So are ALTERs: every table a migration alters is a
 * {@code *MergeTree}, hence replicated here, and a replicated table carries an ALTER to its other
 * replicas through ZooKeeper itself (the migrator asks a current server to wait for them). Sent {@code ON CLUSTER}, an
 * ALTER of a replicated table takes 18.16's run-once-per-shard path, where two replicas' DDL workers
 * could both run it and the second, failing to mark the shard done, took no task again.
 */
final class ClusterDdl {

    private static final Pattern CREATE = Pattern.compile(
            "^(CREATE\\s+(?:TABLE|MATERIALIZED\\s+VIEW|DATABASE)\\s+IF\\s+NOT\\s+EXISTS\\s+)([A-Za-z0-9_.]+)");
    private static final Pattern ENGINE = Pattern.compile("ENGINE\\s*=\\s*([A-Za-z]*)MergeTree\\(([^)]*)\\)");
    private static final Pattern APPENDED = Pattern.compile("^(RENAME\\s+TABLE|DROP\\s+TABLE|DROP\\s+DATABASE)\\s.*",
            Pattern.DOTALL);

    private final String cluster;

    /** @param cluster the cluster's name in the servers' {@code remote_servers} */
    ClusterDdl(String cluster) {
        this.cluster = cluster;
    }

    String rewrite(String statement) {
        String onCluster = " ON CLUSTER " + cluster;
        Matcher create = CREATE.matcher(statement);
        if (create.find()) {
            String name = create.group(2);
            String clustered = create.replaceFirst(Matcher.quoteReplacement(create.group(1) + name + onCluster));
            return replicated(clustered, name);
        }
        if (APPENDED.matcher(statement).matches()) {
            return statement + onCluster;
        }
        return statement;
    }

    private static String replicated(String statement, String qualifiedName) {
        Matcher engine = ENGINE.matcher(statement);
        if (!engine.find()) {
            return statement;
        }
        String path = "'/clickhouse/tables/{shard}/" + qualifiedName.replace('.', '/') + "', '{replica}'";
        String arguments = engine.group(2).isBlank() ? path : path + ", " + engine.group(2).strip();
        return engine.replaceFirst(Matcher.quoteReplacement(
                "ENGINE = Replicated" + engine.group(1) + "MergeTree(" + arguments + ")"));
    }
}
