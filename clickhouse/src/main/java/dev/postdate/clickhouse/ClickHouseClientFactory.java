package dev.postdate.clickhouse;

import com.clickhouse.client.api.Client;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

import java.time.temporal.ChronoUnit;

@Factory
public class ClickHouseClientFactory {

    @Singleton
    @Bean(preDestroy = "close")
    Client clickHouseClient(ClickHouseSettings settings) {
        return newClient(settings);
    }

    /**
     * The configuration that works on 18.16 as well as on current servers: with response compression
     * on, 18.16 answers SELECTs with an empty body, so queries would silently return no rows. Every
     * query waits for its end on the server ({@code wait_end_of_query}): a server that streams answers
     * 200 and appends a late failure to the rows sent so far as text, which the readers would take for a
     * short result (MidStreamFailureTest); buffered, the failure is the response's status. With an
     * insert quorum, every insert waits for it and every read sees only what reached it, so that a
     * lagging replica never answers with less than was acknowledged (docs/clickhouse.md). On a cluster
     * no insert is deduplicated ({@code insert_deduplicate=0}; one server never does): a replicated
     * table drops a block it already holds together with that block's materialized views, so an
     * insert whose table took it and whose view did not (a view's own quorum refused, code 286) would
     * stay without its view rows when retried; every reader already folds rows written twice.
     * {@code managed-replication} (ClickHouse Cloud) asks for both without a cluster or a quorum.
     * Pooled connections are given up after {@code keep-alive} idle, before the server closes them.
     */
    public static Client newClient(ClickHouseSettings settings) {
        Client.Builder builder = new Client.Builder()
                .addEndpoint(settings.url())
                .setUsername(settings.user())
                .setPassword(settings.password())
                .compressServerResponse(false)
                .setKeepAliveTimeout(settings.keepAlive().toMillis(), ChronoUnit.MILLIS)
                .serverSetting("wait_end_of_query", "1")
                .setServerTimeZone("UTC")
                .useServerTimeZone(true);
        if (settings.replicatedTables()) {
            builder.serverSetting("insert_deduplicate", "0");
        }
        if (settings.insertQuorum() > 0) {
            builder.serverSetting("insert_quorum", Integer.toString(settings.insertQuorum()))
                    .serverSetting("insert_quorum_timeout", Long.toString(settings.insertQuorumTimeout().toMillis()));
        }
        if (settings.sequentialReads()) {
            builder.serverSetting("select_sequential_consistency", "1");
        }
        return builder.build();
    }
}
