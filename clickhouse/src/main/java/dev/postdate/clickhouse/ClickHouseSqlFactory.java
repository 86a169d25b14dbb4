package dev.postdate.clickhouse;

import com.clickhouse.client.api.Client;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

@Factory
public class ClickHouseSqlFactory {

    @Singleton
    ClickHouseSql clickHouseSql(Client client, ClickHouseSettings settings) {
        return new ClickHouseSql(client, settings.database(), settings.cluster());
    }
}
