package dev.postdate.api;

import dev.postdate.api.problem.ProblemResponses;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every kind of bad input gets its 4xx problem naming the field, and nothing reaches the queue. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ValidationTest {

    private static final int MAX_REQUEST_BYTES = 1_000_000;

    private ApiHarness api;
    private String key;

    @BeforeAll
    void start() throws Exception {
        api = ApiHarness.start(getClass(), Map.of("micronaut.server.max-request-size", MAX_REQUEST_BYTES));
        key = api.createKey(ApiHarness.newTenant());
    }

    @AfterAll
    void stop() throws Exception {
        api.close();
    }

    private record Case(String body, int status, String field) {
    }

    @Test
    void eachBadSingleEmailIsRejectedNamingItsField() throws Exception {
        String beyondHorizon = Instant.now().plus(Duration.ofDays(401)).toString();
        List<Case> cases = List.of(
                new Case("{\"to\":", 400, null),
                new Case("[1]", 400, null),
                new Case(ApiHarness.email("\"colour\":\"red\""), 422, "colour"),
                new Case(ApiHarness.email("\"tags\":\"news\""), 422, "tags"),
                new Case(ApiHarness.email("\"tags\":[\"a\",7]"), 422, "tags[1]"),
                new Case("{\"to\":5,\"from\":\"a@example.org\",\"text\":\"x\"}", 422, "to"),
                new Case("{\"to\":{\"email\":\"a@example.com\",\"nick\":\"A\"},\"from\":\"a@example.org\",\"text\":\"x\"}", 422, "to.nick"),
                new Case("{\"to\":\"not-an-address\",\"from\":\"a@example.org\",\"text\":\"x\"}", 422, "to.email"),
                new Case("{\"to\":\"Ada <a@example.com>\",\"from\":\"a@example.org\",\"text\":\"x\"}", 422, "to.email"),
                new Case("{\"to\":\"a@example.com\\r\\nBcc: b@example.com\",\"from\":\"a@example.org\",\"text\":\"x\"}", 422, "to.email"),
                new Case("{\"to\":{\"email\":\"a@example.com\",\"name\":\"A\\nB\"},\"from\":\"a@example.org\",\"text\":\"x\"}", 422, "to.name"),
                new Case("{\"to\":\"a@example.com\",\"from\":\"a@example.org\",\"subject\":\"Hi\\r\\nBcc: x@y.z\",\"text\":\"x\"}", 422, "subject"),
                new Case(ApiHarness.email("\"headers\":{\"X-Ünicode\":\"v\"}"), 422, "headers.X-Ünicode"),
                new Case(ApiHarness.email("\"headers\":{\"X-A\\r\\nBcc\":\"v\"}"), 422, "headers.X-A\r\nBcc"),
                new Case(ApiHarness.email("\"headers\":{\"X-Tag\":\"v\\r\\nBcc: x@y.z\"}"), 422, "headers.X-Tag"),
                new Case(ApiHarness.email("\"headers\":{\"message-id\":\"<x@y>\"}"), 422, "headers.message-id"),
                new Case(ApiHarness.email("\"headers\":{\"X-N\":1}"), 422, "headers.X-N"),
                new Case(ApiHarness.email("\"tracking\":true"), 422, "tracking"),
                new Case(ApiHarness.email("\"tracking\":{\"clicks\":\"yes\"}"), 422, "tracking.clicks"),
                new Case(ApiHarness.email("\"tracking\":{\"pixel\":false}"), 422, "tracking.pixel"),
                new Case(ApiHarness.email("\"send_at\":\"tomorrow\""), 422, "send_at"),
                new Case(ApiHarness.email("\"send_at\":\"2030-01-01T08:00:00\""), 422, "send_at"),
                new Case(ApiHarness.email("\"send_at\":\"" + beyondHorizon + "\""), 422, "send_at"),
                new Case(ApiHarness.email("\"batch_id\":\"a/b\""), 422, "batch_id"),
                new Case(ApiHarness.email("\"template\":{\"name\":\"t\",\"version\":1.5}"), 422, "template.version"),
                new Case("{\"to\":\"a@example.com\",\"from\":\"a@example.org\"}", 422, ""),
                new Case(ApiHarness.email("\"html\":\"" + "x".repeat(200 * 1024) + "\""), 422, ""));
        List<Runnable> checks = new ArrayList<>();
        for (Case c : cases) {
            ApiHarness.Response response = api.post(key, "/v1/emails", c.body());
            checks.add(() -> assertProblem(response, c.status(), c.field(), c.body()));
        }
        assertAll(checks.stream().map(check -> check::run));
        api.assertIntakeEmpty();
    }

    @Test
    void oneBadEmailRejectsTheWholeBatchNamingItsIndex() throws Exception {
        List<String> emails = new ArrayList<>(Collections.nCopies(5, ApiHarness.email()));
        emails.set(3, "{\"to\":\"nobody\",\"from\":\"a@example.org\",\"text\":\"x\"}");
        assertProblem(api.post(key, "/v1/emails/batch", ApiHarness.batch(emails)), 422, "emails[3].to.email", "batch");

        List<String> duplicates = List.of(ApiHarness.email("\"idempotency_key\":\"k\""),
                ApiHarness.email("\"idempotency_key\":\"k\""));
        assertProblem(api.post(key, "/v1/emails/batch", ApiHarness.batch(duplicates)), 422,
                "emails[1].idempotency_key", "duplicate keys");
        assertProblem(api.post(key, "/v1/emails/batch", ApiHarness.batch(Collections.nCopies(1001, ApiHarness.email()))),
                422, "emails", "too many");
        assertProblem(api.post(key, "/v1/emails/batch", "{\"emails\":[], \"extra\":1}"), 422, "extra", "unknown");
        api.assertIntakeEmpty();
    }

    @Test
    void aRequestOverTheSizeLimitGets413() throws Exception {
        String big = ApiHarness.email("\"text\":\"" + "x".repeat(150_000) + "\"");
        ApiHarness.Response response = api.post(key, "/v1/emails/batch", ApiHarness.batch(Collections.nCopies(8, big)));
        assertEquals(413, response.status(), response.body());
        assertEquals(ProblemResponses.MEDIA_TYPE, response.contentType());
        api.assertIntakeEmpty();
    }

    private static void assertProblem(ApiHarness.Response response, int status, String field, String what) {
        assertEquals(status, response.status(), what + " -> " + response.body());
        assertEquals(ProblemResponses.MEDIA_TYPE, response.contentType(), what);
        assertEquals(status, response.json().get("status").getIntValue(), what);
        if (field != null) {
            List<String> fields = new ArrayList<>();
            JsonNode errors = response.json().get("errors");
            errors.values().forEach(error -> fields.add(error.get("field").getStringValue()));
            assertTrue(fields.contains(field), what + ": expected field '" + field + "' in " + fields);
        }
    }
}
