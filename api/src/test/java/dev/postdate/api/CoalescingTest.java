package dev.postdate.api;

import dev.postdate.core.intake.IntakePacketCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Concurrent single-email requests share intake messages, and each still gets its own email queued. */
class CoalescingTest {

    private static final int REQUESTS = 40;

    private ApiHarness api;
    private String key;

    @BeforeEach
    void start() throws Exception {
        // A long linger makes sharing certain, so the test does not depend on timing.
        api = ApiHarness.start(CoalescingTest.class, Map.of("postdate.api.coalesce-linger", "300ms"));
        key = api.createKey(ApiHarness.newTenant());
    }

    @AfterEach
    void stop() throws Exception {
        api.close();
    }

    @Test
    void concurrentSingleEmailsGoOutInFewerMessagesThanRequests() throws Exception {
        List<Future<ApiHarness.Response>> responses = new ArrayList<>();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < REQUESTS; i++) {
                responses.add(clients.submit(() -> api.post(key, "/v1/emails", ApiHarness.email())));
            }
        }
        Set<String> acceptedIds = new HashSet<>();
        for (Future<ApiHarness.Response> response : responses) {
            assertEquals(202, response.get().status(), response.get().body());
            acceptedIds.add(response.get().json().get("id").getStringValue());
        }

        IntakePacketCodec codec = api.bean(IntakePacketCodec.class);
        String url = api.env.sqs().getQueueUrl(r -> r.queueName(api.env.intakeQueue())).queueUrl();
        Set<String> queuedIds = new HashSet<>();
        int messages = 0;
        while (true) {
            List<Message> received = api.env.sqs().receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10)
                    .waitTimeSeconds(1)).messages();
            if (received.isEmpty()) {
                break;
            }
            for (Message message : received) {
                messages++;
                codec.decode(message.body()).emails().forEach(email -> assertTrue(queuedIds.add(email.id())));
                api.env.sqs().deleteMessage(r -> r.queueUrl(url).receiptHandle(message.receiptHandle()));
            }
        }
        assertEquals(acceptedIds, queuedIds);
        assertTrue(messages < REQUESTS / 2, REQUESTS + " requests took " + messages + " messages");
    }
}
