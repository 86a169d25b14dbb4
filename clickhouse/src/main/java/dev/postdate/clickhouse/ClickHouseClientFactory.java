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
     * on, 18.16 answers SELECTs with an empty body, so queries would silently return no rows.
     */
    public static Client newClient(ClickHouseSettings settings) {
        return new Client.Builder()
                .addEndpoint(settings.url())
                .setUsername(settings.user())
                .setPassword(settings.password())
                .compressServerResponse(false)
                .setServerTimeZone("UTC")
                .useServerTimeZone(true)
                .build();
    }
}
