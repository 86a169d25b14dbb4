package dev.postdate.worker;

import dev.postdate.core.state.EmailStatus;
import dev.postdate.core.testing.HealthProbe;
import dev.postdate.core.testing.RestartableServer;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Redis goes away under a running worker: /health says so, a range published meanwhile waits, and
 * once Redis is back the worker reconnects by itself, reports healthy and sends each email once.
 */
class RedisOutageTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private WorkerFixture fixture;
    private RestartableServer redis;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new WorkerFixture(getClass());
        redis = fixture.env.services().privateRedis();
        redis.start();
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
        redis.close();
    }

    @Test
    void reportsRedisDownAndRecoversByItself() throws Exception {
        ApplicationContext worker = fixture.startWorker("w-outage", Map.of("postdate.worker.sender", "blackhole",
                "postdate.redis.uri", redis.endpoint().toString()));
        EmbeddedServer server = worker.getBean(EmbeddedServer.class).start();
        assertEquals(200, HealthProbe.awaitHealthy(server, DEADLINE).statusCode());

        redis.kill();
        HttpResponse<String> down = HealthProbe.awaitStatus(server, 503, DEADLINE);
        assertEquals(503, down.statusCode(), down.body());
        assertTrue(down.body().matches("(?s).*\"redis\":\\{[^}]*\"status\":\"DOWN\".*"), down.body());
        List<WorkerFixture.Stored> emails = fixture.insert("acme", "", 20);
        fixture.publish(WorkerFixture.rangeOf("t1-d0", emails, emails.size()));

        redis.start();
        HttpResponse<String> up = HealthProbe.awaitHealthy(server, DEADLINE);
        assertEquals(200, up.statusCode(), up.body());
        assertTrue(WorkerFixture.await(DEADLINE, () -> fixture.messagesLeft(fixture.env.rangesQueue()) == 0),
                "the range was worked after the outage");
        List<String> sent = WorkerFixture.recorder(worker).sentIds();
        assertEquals(20, sent.size());
        assertEquals(20, new HashSet<>(sent).size());
        for (WorkerFixture.Stored email : emails) {
            assertEquals(EmailStatus.SENT, fixture.state(email), email.id());
        }
    }
}
