package dev.postdate.clickhouse;

import com.clickhouse.client.api.Client;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.time.Duration;

@Factory
public class ClickHouseSqlFactory {

    @Singleton
    ClickHouseSql clickHouseSql(Client client, ClickHouseSettings settings,
                                @Value("${postdate.clickhouse.write-timeout:60s}") Duration writeTimeout) {
        return new ClickHouseSql(client, settings.database(), settings.cluster(), writeTimeout);
    }
}
