package dev.postdate.api;

import dev.postdate.api.problem.ProblemResponses;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The render budget and the data limits at the api, with small configured limits: intake refuses
 * data over a limit naming the field, and a preview that runs out of budget is a 422 naming the
 * cause, while the api stays responsive (docs/security.md, "Render budget").
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RenderBudgetApiTest {

    private static final int MAX_ITERATIONS = 5_000;
    private static final int MAX_DEPTH = 4;
    private static final int MAX_ELEMENTS = 100;
    private static final int MAX_BYTES = 2_000;

    private ApiHarness api;
    private String key;

    @BeforeAll
    void start() throws Exception {
        api = ApiHarness.start(getClass(), Map.of(
                "postdate.templates.max-loop-iterations", MAX_ITERATIONS,
                "postdate.templates.max-data-depth", MAX_DEPTH,
                "postdate.templates.max-data-elements", MAX_ELEMENTS,
                "postdate.templates.max-data-bytes", MAX_BYTES));
        key = api.createKey(ApiHarness.newTenant());
        ApiHarness.Response saved = api.post(key, "/v1/templates", """
                {"name":"nested","subject":"Hi","text":"{% for a in items %}{% for b in items %}{% for c in items %}{% endfor %}{% endfor %}{% endfor %}done"}""");
        assertEquals(201, saved.status(), saved.body());
    }

    @AfterAll
    void stop() throws Exception {
        api.close();
    }

    private static String numbers(int count) {
        return IntStream.range(0, count).mapToObj(Integer::toString).collect(Collectors.joining(",", "[", "]"));
    }

    private static String emailWithData(String data) {
        return "{\"to\":\"ada@example.com\",\"from\":\"news@example.org\",\"template\":{\"name\":\"nested\"},\"data\":" + data + "}";
    }

    /** The problem's fields and messages, after checking it is a 422 problem. */
    private static Map<String, String> problem(ApiHarness.Response response) {
        assertEquals(422, response.status(), response.body());
        assertEquals(ProblemResponses.MEDIA_TYPE, response.contentType(), response.body());
        Map<String, String> errors = new HashMap<>();
        response.json().get("errors").values().forEach(e -> errors.merge(e.get("field").getStringValue(),
                e.get("message").getStringValue(), (a, b) -> a + "; " + b));
        return errors;
    }

    @Test
    void previewOutOfBudgetIsA422NamingTheCause() throws Exception {
        // 50^3 = 125,000 iterations that write nothing: stopped at 5,000.
        ApiHarness.Response stopped = api.post(key, "/v1/templates/nested/preview", "{\"data\":{\"items\":" + numbers(50) + "}}");
        Map<String, String> errors = problem(stopped);
        assertEquals("template nested v1 text: render budget exceeded: more than 5000 loop iterations (line 1)", errors.get("data"),
                stopped.body());
        assertTrue(stopped.json().get("detail").getStringValue().contains("render budget exceeded"), stopped.body());

        // Within the budget (every loop counts: 16 + 16^2 + 16^3 = 4,368) the same template renders.
        ApiHarness.Response ok = api.post(key, "/v1/templates/nested/preview", "{\"data\":{\"items\":" + numbers(16) + "}}");
        assertEquals(200, ok.status(), ok.body());
        assertEquals("done", ok.json().get("text").getStringValue());
    }

    @Test
    void previewDataOverALimitIsA422() throws Exception {
        Map<String, String> errors = problem(api.post(key, "/v1/templates/nested/preview",
                "{\"data\":{\"items\":" + numbers(MAX_ELEMENTS) + "}}"));
        assertEquals("template nested v1: data holds more than 100 values", errors.get("data"));
    }

    @Test
    void intakeRefusesDataOverEachLimitNamingTheField() throws Exception {
        assertEquals(Map.of("data.x[0][0][0]", "data may be nested at most 4 levels deep"),
                problem(api.post(key, "/v1/emails", emailWithData("{\"x\":[[[1]]]}"))));
        assertEquals(Map.of("data", "data holds more than 100 values"),
                problem(api.post(key, "/v1/emails", emailWithData("{\"items\":" + numbers(MAX_ELEMENTS) + "}"))));
        assertEquals(Map.of("data", "data holds more than 2000 bytes of keys, strings and numbers"),
                problem(api.post(key, "/v1/emails", emailWithData("{\"s\":\"" + "x".repeat(MAX_BYTES) + "\"}"))));

        // In a batch, the email's index; the batch is all or nothing.
        List<String> emails = new ArrayList<>(List.of(emailWithData("{\"items\":[1]}"),
                emailWithData("{\"items\":" + numbers(MAX_ELEMENTS) + "}")));
        ApiHarness.Response batch = api.post(key, "/v1/emails/batch", ApiHarness.batch(emails));
        assertEquals(Map.of("emails[1].data", "data holds more than 100 values"), problem(batch));

        // At the depth and element limits: accepted (3 values for x, 96 for items, 1 for s).
        String atLimits = "{\"x\":[[1]],\"items\":" + numbers(MAX_ELEMENTS - 5) + ",\"s\":\"" + "x".repeat(1_000) + "\"}";
        ApiHarness.Response accepted = api.post(key, "/v1/emails", emailWithData(atLimits));
        assertEquals(202, accepted.status(), accepted.body());
    }
}
