package dev.postdate.clickhouse;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;

/**
 * @param url            HTTP endpoint of ClickHouse (or of a load balancer in front of a cluster)
 * @param user           user name
 * @param password       password; never logged
 * @param database       database holding Postdate's tables; every statement names it explicitly
 *                       because ClickHouse 18.16 ignores the database header
 * @param migrateOnStart whether a component applies pending migrations when it starts
 * @param cluster        name of the ClickHouse cluster ({@code remote_servers}) whose replicas hold the
 *                       schema, created as Replicated tables with {@code ON CLUSTER} DDL; empty: one
 *                       server (docs/clickhouse.md, "Cluster mode")
 * @param insertQuorum   replicas that must hold an insert before it is acknowledged, and reads see
 *                       only what reached that quorum ({@code select_sequential_consistency}); 0: off
 * @param insertQuorumTimeout how long an insert waits for its quorum before it fails; below every
 *                       caller's insert deadline, so that the server gives up no later than the caller
 * @param managedReplication the server replicates the tables by itself, behind one endpoint (ClickHouse
 *                       Cloud's SharedMergeTree): reads ask for sequential consistency and inserts are
 *                       not deduplicated, as in cluster mode, with neither {@code ON CLUSTER} DDL nor a
 *                       quorum (docs/clickhouse.md, "ClickHouse Cloud")
 * @param keepAlive      how long a connection idle in the client's pool may be used again; below the
 *                       server's {@code keep_alive_timeout} (3 s on 18.16 and in the local config), or a
 *                       request can go out on a connection the server is closing at that moment, and
 *                       an insert then fails with a broken pipe (docs/clickhouse.md, "Connections")
 */
@ConfigurationProperties("postdate.clickhouse")
public record ClickHouseSettings(
        @NotBlank String url,
        @NotBlank String user,
        @Bindable(defaultValue = "") String password,
        @NotBlank @Pattern(regexp = "[A-Za-z_][A-Za-z0-9_]*") String database,
        @Bindable(defaultValue = "true") boolean migrateOnStart,
        @Bindable(defaultValue = "") @Pattern(regexp = "|[A-Za-z_][A-Za-z0-9_]*") String cluster,
        @Bindable(defaultValue = "0") @PositiveOrZero int insertQuorum,
        @Bindable(defaultValue = "10s") @NotNull Duration insertQuorumTimeout,
        @Bindable(defaultValue = "false") boolean managedReplication,
        @Bindable(defaultValue = "2s") @NotNull Duration keepAlive) {

    public ClickHouseSettings {
        // The client ignores a keep-alive of zero or less and falls back to the server's own figure.
        if (keepAlive != null && (keepAlive.isZero() || keepAlive.isNegative())) {
            throw new IllegalArgumentException("postdate.clickhouse.keep-alive must be positive, got " + keepAlive);
        }
        // A managed service replicates by itself: ON CLUSTER DDL and quorum inserts are for self-run clusters.
        if (managedReplication && ((cluster != null && !cluster.isEmpty()) || insertQuorum > 0)) {
            throw new IllegalArgumentException("postdate.clickhouse.managed-replication excludes cluster and insert-quorum");
        }
    }

    /** One server, no quorum: what tests and tools that talk to a single node build. */
    public static ClickHouseSettings singleNode(String url, String user, String password, String database) {
        return new ClickHouseSettings(url, user, password, database, false, "", 0, Duration.ofSeconds(10), false,
                Duration.ofSeconds(2));
    }

    /** The same settings for another endpoint: a second replica of the same cluster, say. */
    public ClickHouseSettings withUrl(String otherUrl) {
        return new ClickHouseSettings(otherUrl, user, password, database, migrateOnStart, cluster, insertQuorum,
                insertQuorumTimeout, managedReplication, keepAlive);
    }

    public boolean clustered() {
        return !cluster.isEmpty();
    }

    /** Reads may reach a replica behind the one that took an insert: they ask for sequential consistency. */
    public boolean sequentialReads() {
        return insertQuorum > 0 || managedReplication;
    }

    /** Tables replicate, so a block they already hold would be dropped with its views: no deduplication. */
    public boolean replicatedTables() {
        return clustered() || managedReplication;
    }

    @Override
    public String toString() {
        return "ClickHouseSettings[url=" + url + ", user=" + user + ", database=" + database
                + (clustered() ? ", cluster=" + cluster + ", insertQuorum=" + insertQuorum : "")
                + (managedReplication ? ", managedReplication" : "") + "]";
    }
}
