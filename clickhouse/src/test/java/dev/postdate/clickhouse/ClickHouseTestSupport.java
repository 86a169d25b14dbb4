package dev.postdate.clickhouse;

import com.clickhouse.client.api.Client;
import dev.postdate.core.testing.TestEnvironment;
import dev.postdate.core.testing.TestServices;

import java.time.Duration;

/** ClickHouse clients bound to a test environment's own database. */
public final class ClickHouseTestSupport {

    private ClickHouseTestSupport() {
    }

    public static Client clientFor(TestEnvironment env) {
        TestServices services = env.services();
        return ClickHouseClientFactory.newClient(settingsFor(env));
    }

    /** The settings a component of the environment gets: on the local cluster, its cluster and quorum too. */
    public static ClickHouseSettings settingsFor(TestEnvironment env) {
        TestServices services = env.services();
        return new ClickHouseSettings(services.clickhouseUrl(), services.clickhouseUser(),
                services.clickhousePassword(), env.database(), false, services.clickhouseCluster(),
                services.clickhouseInsertQuorum(), Duration.ofSeconds(10), false, Duration.ofSeconds(2));
    }

    public static ClickHouseSql sqlFor(TestEnvironment env) {
        return new ClickHouseSql(clientFor(env), env.database(), env.services().clickhouseCluster());
    }
}
