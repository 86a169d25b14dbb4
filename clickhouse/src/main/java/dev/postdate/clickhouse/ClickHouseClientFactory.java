package dev.postdate.clickhouse;

import com.clickhouse.client.api.Client;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

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
     * short result (MidStreamFailureTest); buffered, the failure is the response's status.
     */
    public static Client newClient(ClickHouseSettings settings) {
        return new Client.Builder()
                .addEndpoint(settings.url())
                .setUsername(settings.user())
                .setPassword(settings.password())
                .compressServerResponse(false)
                .serverSetting("wait_end_of_query", "1")
                .setServerTimeZone("UTC")
                .useServerTimeZone(true)
                .build();
    }
}
