package dev.postdate.clickhouse;

import com.clickhouse.client.api.Client;
import dev.postdate.core.testing.TestEnvironment;
import dev.postdate.core.testing.TestServices;

/** ClickHouse clients bound to a test environment's own database. */
public final class ClickHouseTestSupport {

    private ClickHouseTestSupport() {
    }

    public static Client clientFor(TestEnvironment env) {
        TestServices services = env.services();
        return ClickHouseClientFactory.newClient(new ClickHouseSettings(services.clickhouseUrl(),
                services.clickhouseUser(), services.clickhousePassword(), env.database(), false));
    }

    public static ClickHouseSql sqlFor(TestEnvironment env) {
        return new ClickHouseSql(clientFor(env), env.database());
    }
}
