package dev.postdate.clickhouse;

import dev.postdate.core.testing.TestEnvironment;
import dev.postdate.core.testing.TestServices;

/** A ClickHouseSql bound to a test environment's own database. */
public final class ClickHouseTestSupport {

    private ClickHouseTestSupport() {
    }

    public static ClickHouseSql sqlFor(TestEnvironment env) {
        TestServices services = env.services();
        ClickHouseSettings settings = new ClickHouseSettings(services.clickhouseUrl(), services.clickhouseUser(),
                services.clickhousePassword(), env.database(), false);
        return new ClickHouseSql(ClickHouseClientFactory.newClient(settings), env.database());
    }
}
