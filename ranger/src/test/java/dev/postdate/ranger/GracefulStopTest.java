package dev.postdate.ranger;

import dev.postdate.core.testing.Await;
import dev.postdate.core.redis.RedisSettings;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM on the leading ranger: closing returns within the grace and releases the lease, so the
 * standby leads long before the lease would have expired.
 */
class GracefulStopTest {

    private static final Duration LEASE = Duration.ofSeconds(60);
    private static final Duration GRACE = Duration.ofSeconds(2);
    private static final Duration SLACK = Duration.ofSeconds(10);

    private RangerFixture fixture;
    private ApplicationContext standby;

    @BeforeEach
    void setUp() {
        fixture = new RangerFixture(getClass(), LEASE);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (standby != null) {
            standby.close();
        }
        fixture.close();
    }

    @Test
    void theStandbyLeadsPromptlyAfterTheLeaderStops() throws Exception {
        ApplicationContext leader = start("ranger-a");
        assertTrue(Await.until(Duration.ofSeconds(30), () -> leaderValue().startsWith("ranger-a|")), "ranger-a leads");
        standby = start("ranger-b");
        Thread.sleep(500); // a few ticks: the standby keeps standing by while the lease is held
        assertTrue(leaderValue().startsWith("ranger-a|"), "ranger-b waits");

        long started = System.nanoTime();
        leader.close(); // what SIGTERM runs
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertTrue(took.compareTo(GRACE.plus(SLACK)) < 0, "stopped in " + took);
        // Well under the 60 s lease: only a released lease lets the standby in this soon.
        assertTrue(Await.until(Duration.ofSeconds(10), () -> leaderValue().startsWith("ranger-b|")), "ranger-b leads");
    }

    private ApplicationContext start(String instanceId) {
        Map<String, Object> properties = new HashMap<>(fixture.env.properties());
        properties.put("postdate.ranger.instance-id", instanceId);
        properties.put("postdate.ranger.tick-interval", "100ms");
        properties.put("postdate.ranger.range-size", RangerFixture.RANGE_SIZE);
        properties.put("postdate.ranger.lease-duration", LEASE.toMillis() + "ms");
        properties.put("postdate.ranger.stop-grace", GRACE.toMillis() + "ms");
        return ApplicationContext.run(properties);
    }

    private String leaderValue() {
        @SuppressWarnings("unchecked")
        StatefulRedisConnection<String, String> redis = fixture.context.getBean(StatefulRedisConnection.class);
        String value = redis.sync().get(LeaderLease.leaderKey(fixture.context.getBean(RedisSettings.class)));
        return value == null ? "" : value;
    }

}
