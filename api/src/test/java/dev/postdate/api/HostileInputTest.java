package dev.postdate.api;

import dev.postdate.api.intake.EmailRequestReader;
import dev.postdate.api.problem.ProblemResponses;
import dev.postdate.clickhouse.keys.ApiKeyStore;
import dev.postdate.clickhouse.keys.CreatedApiKey;
import dev.postdate.core.email.Address;
import dev.postdate.core.email.EmailContent;
import dev.postdate.core.email.ScheduledEmail;
import dev.postdate.core.state.BatchControl;
import dev.postdate.core.state.BatchControls;
import dev.postdate.core.template.TemplateSettings;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * Broken and hostile input thrown at a running api over real HTTP, as raw bytes: each case must get
 * its documented 4xx as an {@code application/problem+json} naming the field (and the email's index
 * in a batch) without echoing a key, and none of it may disturb the api or the emails accepted
 * before and after it (docs/api.md, "Hostile input"). Validation rules one by one are
 * ValidationTest's; this is the barrage.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputTest {

    /** Small, so that bodies far over it stay cheap to build and send. */
    private static final int MAX_REQUEST_BYTES = 1_000_000;
    private static final int FAR_OVER_REQUEST_BYTES = 32 * 1024 * 1024;
    private static final int TOO_DEEP_FOR_THE_PARSER = 10_000;
    private static final int DATA_DEPTH = EmailRequestReader.MAX_DATA_DEPTH;
    private static final List<String> LINE_BREAKS = List.of("\r", "\n", "\r\n", "\u0000");
    private static final String INJECTED = "Bcc: victim@example.com";
    /** Sender identities of another tenant: this tenant may use neither. */
    private static final String OTHER_TENANTS_DOMAIN = "globex.example";
    private static final String OTHER_TENANTS_ADDRESS = "ceo@initech.example";

    private static final Address FROM = new Address("news@example.org", "News, \"Weekly\"");
    private static final Address REPLY_TO = new Address("help@example.org", null);
    private static final String SUBJECT = "Grüße 👋 <b>&amp; {{ not_rendered }}";
    private static final String HTML = "<p>Hello ✓ <script>x</script></p>";
    private static final String TEXT = "Line one\r\nLine two\ttabbed";
    /** Headers a client may set, List-Unsubscribe among them (mailbox providers ask bulk senders for it). */
    private static final Map<String, String> HEADERS = Map.of("X-Campaign", "spring-2030",
            "List-Unsubscribe", "<mailto:unsubscribe@example.org>");
    private static final List<String> TAGS = List.of("news", "ünï");
    /** Numbers of three kinds and the deepest data allowed: all must come out of the queue unchanged. */
    private static final Map<String, Object> DATA = Map.of("name", "Zoë", "list", List.of(1, "two", true, 2.5),
            "big", new BigInteger("123456789012345678901234567890"), "deep", nestedList(DATA_DEPTH - 2, "bottom"));

    private ApiHarness api;
    private JsonMapper json;
    private String tenant;
    private String key;
    private String otherKey;
    private String revokedKey;

    /** A request as sent: any method, Authorization (null: none), Content-Type (null: none) and raw body. */
    private record Call(String method, String path, String authorization, String contentType, BodyPublisher body) {

        Call authorizedBy(String header) {
            return new Call(method, path, header, contentType, body);
        }

        Call typed(String type) {
            return new Call(method, path, authorization, type, body);
        }
    }

    /**
     * One row: the request and the problem it must get, with a field its errors must name and a text
     * its detail or one of its messages must hold (either may be null).
     */
    private record Case(String name, Call call, int status, String field, String text) {
    }

    /** A valid email at the edge of the rules, and the recipient and send_at it must be queued with. */
    private record Keeper(Map<String, Object> body, Address to, Instant sendAt) {
    }

    @BeforeAll
    void start() throws Exception {
        api = ApiHarness.start(getClass(), Map.of("micronaut.server.max-request-size", MAX_REQUEST_BYTES));
        json = api.bean(JsonMapper.class);
        tenant = ApiHarness.newTenant();
        key = api.createKey(tenant);
        otherKey = api.createKey(ApiHarness.newTenant(), OTHER_TENANTS_DOMAIN, OTHER_TENANTS_ADDRESS);
        ApiKeyStore store = api.bean(ApiKeyStore.class);
        CreatedApiKey revoked = store.create(ApiHarness.newTenant());
        api.awaitStatus(revoked.key(), 404);
        assertTrue(store.revoke(revoked.keyId()));
        api.awaitStatus(revoked.key(), 401);
        revokedKey = revoked.key();

        saveTemplate("card", "Hi {{ name }}", "{{ user.address.city }}");
        saveTemplate("classy", "s", "{{ name.class.name }}");
        saveTemplate("ranged", "s", "{{ range(1, 100000000) }}");
        saveTemplate("filtered", "s", "{{ name | nosuchfilter }}");
        saveTemplate("looped", "s", "{% for a in items %}{% for b in items %}{% for c in items %}{% endfor %}{% endfor %}{% endfor %}");
    }

    @AfterAll
    void stop() throws Exception {
        api.close();
    }

    @TestFactory
    Stream<DynamicTest> hostileInputGetsItsProblemAndHarmsNothing() throws Exception {
        List<Keeper> before = keepers("before");
        List<String> beforeIds = new ArrayList<>();
        for (Keeper keeper : before) {
            ApiHarness.Response accepted = api.post(key, "/v1/emails", write(keeper.body()));
            assertEquals(202, accepted.status(), accepted.body());
            beforeIds.add(accepted.json().get("id").getStringValue());
        }
        Stream<DynamicTest> barrage = cases(before, beforeIds).stream()
                .map(c -> dynamicTest(c.name(), () -> assertProblem(c)));
        return Stream.concat(barrage, Stream.of(
                dynamicTest("another tenant's batch control does not reach this tenant's emails",
                        () -> assertTenantsStayApart(before, beforeIds)),
                dynamicTest("the api is up and every email accepted before and after is queued once, intact",
                        () -> assertAcceptedEmailsIntact(before, beforeIds))));
    }

    private List<Case> cases(List<Keeper> before, List<String> beforeIds) throws IOException {
        String email = ApiHarness.email();
        String batchOfTwo = ApiHarness.batch(List.of(email, email));
        List<Case> cases = new ArrayList<>();

        // Malformed and truncated JSON, and bodies that are not JSON at all.
        cases.add(malformed("truncated email", "/v1/emails", email.substring(0, email.length() / 2), "line 1"));
        cases.add(malformed("truncated batch", "/v1/emails/batch", batchOfTwo.substring(0, batchOfTwo.length() - 3), "line 1"));
        cases.add(malformed("truncated inside a \\u escape", "/v1/emails", "{\"to\":\"\\u00", null));
        cases.add(malformed("a second object after the email", "/v1/emails", email + "{}", "line 1"));
        cases.add(malformed("garbage after the email", "/v1/emails", email + "xyz", "line 1"));
        cases.add(malformed("a second batch after the batch", "/v1/emails/batch", batchOfTwo + batchOfTwo, null));
        cases.add(malformed("an API key as a bare token, not echoed", "/v1/emails", "{\"to\": " + key + "}", "line 1"));
        cases.add(malformed("form-encoded body", "/v1/emails", "to=ada%40example.com&text=hi", null));
        cases.add(malformed("comment", "/v1/emails", "{/* to */" + email.substring(1), null));
        cases.add(malformed("NaN", "/v1/emails", emailWith("data", "{\"n\":NaN}"), null));
        cases.add(malformed("raw line break inside a string", "/v1/emails", emailWith("subject", "\"a\nb\""), null));
        cases.add(malformed("empty body", "/v1/emails", "", "JSON object"));
        cases.add(malformed("JSON null", "/v1/emails/batch", "null", "JSON object"));
        cases.add(malformed("a template without a body", "/v1/templates", "", "JSON object"));
        cases.add(malformed("a template that is a JSON string", "/v1/templates", "\"{{ x }}\"", "JSON object"));
        byte[] invalidUtf8 = {'{', '"', 't', 'o', '"', ':', '"', (byte) 0xC3, '(', '"', '}'};
        cases.add(new Case("invalid UTF-8", post("/v1/emails", invalidUtf8), 400, null, null));

        // Methods, paths and media types the api does not serve: problems too, not Micronaut's own JSON.
        cases.add(new Case("text/plain", post("/v1/emails", email).typed("text/plain"), 415, null, "application/json"));
        cases.add(new Case("form media type on a batch",
                post("/v1/emails/batch", batchOfTwo).typed("application/x-www-form-urlencoded"), 415, null, null));
        cases.add(new Case("multipart template", post("/v1/templates", "{}").typed("multipart/form-data; boundary=x"), 415, null, null));
        cases.add(new Case("PUT an email", new Call("PUT", "/v1/emails", bearer(key), "application/json",
                BodyPublishers.ofString(email)), 405, null, "POST"));
        cases.add(new Case("unknown path", get("/v1/emailz"), 404, null, null));

        // Wrong types, each named by its path; in a batch with the email's index.
        cases.add(invalid("subject a number", "subject", "5", "subject", "string"));
        cases.add(invalid("data an array", "data", "[1]", "data", "object"));
        cases.add(invalid("headers an array", "headers", "[\"X-A: b\"]", "headers", null));
        cases.add(invalid("template a string", "template", "\"card\"", "template", null));
        cases.add(invalid("send_at a number", "send_at", "1893456000", "send_at", "string"));
        cases.add(invalid("batch_id a boolean", "batch_id", "true", "batch_id", null));
        cases.add(invalid("reply_to an array", "reply_to", "[\"a@example.com\"]", "reply_to", null));
        cases.add(invalid("to.email a number", "to", "{\"email\":7}", "to.email", null));
        cases.add(invalid("half a surrogate pair in the text", "text", "\"\\ud800 x\"", "text", "Unicode"));
        cases.add(invalidInBatch("half a surrogate pair in a batch email's subject", "subject", "\"\\udbff\"", "subject", "Unicode"));
        cases.add(invalid("half a surrogate pair in data", "data", "{\"n\":[\"\\udc00\"]}", "data.n[0]", "Unicode"));
        cases.add(invalid("a number in data beyond a double", "data", "{\"n\":[1,-1e999]}", "data.n[1]", "out of range"));
        cases.add(new Case("template.version beyond a double", post("/v1/emails",
                "{\"to\":\"a@example.com\",\"from\":\"b@example.org\",\"template\":{\"name\":\"card\",\"version\":1e999}}"),
                422, "template.version", "integer"));
        cases.add(invalidInBatch("a wrong type deep in a batch", "tags", "[\"a\",{}]", "tags[1]", null));
        cases.add(new Case("emails an object", post("/v1/emails/batch", "{\"emails\":{\"0\":" + email + "}}"), 422, "emails", null));
        cases.add(new Case("emails that are not objects", post("/v1/emails/batch", "{\"emails\":[" + email + ",1,\"x\",null]}"),
                422, "emails[2]", "object"));

        // Huge bodies: per email a 422 naming the email; per request a 413 problem, not a connection reset.
        String bigData = "{\"blob\":\"" + "x".repeat(205_000) + "\"}";
        cases.add(invalid("data over max-email-bytes", "data", bigData, "", "bytes"));
        cases.add(invalidInBatch("an email over max-email-bytes in a batch", "data", bigData, "", "bytes"));
        // Data within max-email-bytes but over the template data limits (docs/security.md, "Render budget").
        TemplateSettings limits = api.bean(TemplateSettings.class);
        String manyValues = "{\"n\":" + numbers(limits.maxDataElements()) + "}";
        cases.add(invalid("data with more values than max-data-elements", "data", manyValues, "data", "values"));
        cases.add(invalidInBatch("a batch email's data with too many values", "data", manyValues, "data", "values"));
        String bytesOverData = "{\"blob\":\"" + "x".repeat(limits.maxDataBytes()) + "\"}";
        cases.add(invalid("data over max-data-bytes", "data", bytesOverData, "data", "bytes of keys, strings and numbers"));
        byte[] farOver = emailWith("text", "\"" + "x".repeat(FAR_OVER_REQUEST_BYTES) + "\"").getBytes(StandardCharsets.UTF_8);
        cases.add(new Case("a body far over max-request-size", post("/v1/emails", farOver), 413, null, "exceeds"));
        cases.add(new Case("a body far over max-request-size, chunked", new Call("POST", "/v1/emails/batch", bearer(key),
                "application/json", BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(farOver))), 413, null, null));
        cases.add(new Case("a request line over the limit", get("/v1/emails/" + "a".repeat(10_000)), 413, null, null));
        cases.add(new Case("an Authorization header over the limit",
                get("/v1/emails/x").authorizedBy(bearer(key) + "x".repeat(20_000)), 413, null, null));

        // Deep nesting: beyond the parser's limit a 400; data deeper than intake can carry a 422.
        String parserLimit = "nesting depth";
        String tenThousand = "{\"x\":" + nestedJson(TOO_DEEP_FOR_THE_PARSER) + "}";
        cases.add(malformed("data 10,000 levels deep", "/v1/emails", emailWith("data", tenThousand), parserLimit));
        cases.add(malformed("headers 10,000 levels deep", "/v1/emails", emailWith("headers", tenThousand), parserLimit));
        cases.add(malformed("a batch email's data 10,000 levels deep", "/v1/emails/batch",
                ApiHarness.batch(List.of(email, emailWith("data", tenThousand))), parserLimit));
        cases.add(malformed("preview data 10,000 levels deep", "/v1/templates/card/preview", "{\"data\":" + tenThousand + "}", parserLimit));
        // Within the parser's limit, but too deep to be wrapped into an intake message: such a request once hung.
        String deepUnderTheParserLimit = "{\"x\":" + nestedJson(990) + "}";
        String deepestAllowed = "x" + "[0]".repeat(DATA_DEPTH - 1);
        cases.add(invalid("data 990 levels deep", "data", deepUnderTheParserLimit, "data." + deepestAllowed, "levels"));
        cases.add(invalidInBatch("data 990 levels deep in a batch", "data", deepUnderTheParserLimit, "data." + deepestAllowed, "levels"));
        cases.add(invalid("data one level deeper than allowed", "data", "{\"x\":" + write(nestedList(DATA_DEPTH - 1, "bottom")) + "}",
                "data." + deepestAllowed, "levels"));
        cases.add(invalid("an unknown field 900 levels deep", "colour", nestedJson(900), "colour", "unknown"));

        // Addresses: a non-ASCII local part cannot be delivered; an internationalized domain is punycoded (see keepers).
        cases.add(invalid("non-ASCII local part", "to", "\"zoë@example.com\"", "to.email", "ASCII"));
        cases.add(invalidInBatch("non-ASCII local part of a batch's reply_to", "reply_to", "\"用户@example.com\"", "reply_to.email", "ASCII"));
        cases.add(invalid("invalid internationalized domain", "to", "\"a@" + "ü".repeat(70) + ".example\"", "to.email", "internationalized"));
        cases.add(invalid("two @", "from", "\"b@c@example.org\"", "from.email", null));
        cases.add(invalid("empty address", "to", "\"\"", "to.email", null));
        cases.add(invalid("a name without an address", "to", "{\"name\":\"Ada\"}", "to.email", "required"));

        // Sender identities: from and reply_to only within the tenant's (the test tenants have example.org).
        String notOurs = "is not a sender identity";
        cases.add(invalid("from another tenant's verified domain", "from", write("billing@" + OTHER_TENANTS_DOMAIN), "from.email", notOurs));
        cases.add(invalid("from another tenant's verified address", "from", write(OTHER_TENANTS_ADDRESS), "from.email", notOurs));
        cases.add(invalidInBatch("reply_to another tenant's domain in a batch", "reply_to",
                "{\"email\":\"help@" + OTHER_TENANTS_DOMAIN + "\",\"name\":\"Help\"}", "reply_to.email", notOurs));
        cases.add(invalid("from a subdomain of the tenant's domain", "from", write("news@mail.example.org"), "from.email", notOurs));
        cases.add(invalid("from a lookalike ending in the tenant's domain", "from", write("news@evil-example.org"), "from.email", notOurs));
        cases.add(invalid("from the tenant's domain with a suffix", "from", write("news@example.org.evil.example"), "from.email", notOurs));
        cases.add(invalid("from the tenant's domain with a trailing dot", "from", write("news@example.org."), "from.email", null));
        cases.add(invalid("from a domain nobody verified", "from", write("security@bank.example"), "from.email", notOurs));

        // Reserved headers: every one a provider, MTA, filter or mail client acts on, in any case, families by prefix.
        for (String header : List.of("X-SES-CONFIGURATION-SET", "x-ses-source-arn", "X-Amz-Any", "Resent-From", "resent-sender",
                "DKIM-Signature", "ARC-Seal", "Authentication-Results", "Received", "Return-Path", "Content-Disposition",
                "content-id", "Disposition-Notification-To", "Errors-To", "Mail-Followup-To", "Feedback-ID", "X-Spam-Flag",
                "Sender", "MIME-Version")) {
            cases.add(invalidInBatch("reserved header " + header, "headers", "{" + write(header) + ":\"v\"}",
                    "headers." + header, "reserved"));
        }

        // CR, LF and NUL in every field that becomes part of a header line, named with the email's index.
        for (String lineBreak : LINE_BREAKS) {
            String shown = lineBreak.replace("\r", "CR").replace("\n", "LF").replace("\u0000", "NUL");
            String value = write("x" + lineBreak + INJECTED);
            String address = write("a@example.com" + lineBreak + INJECTED);
            String headerName = "X-A" + lineBreak + "Bcc";
            cases.add(invalidInBatch(shown + " in to.name", "to", "{\"email\":\"a@example.com\",\"name\":" + value + "}", "to.name", null));
            cases.add(invalidInBatch(shown + " in from.name", "from", "{\"email\":\"b@example.org\",\"name\":" + value + "}", "from.name", null));
            cases.add(invalidInBatch(shown + " in reply_to.name", "reply_to", "{\"email\":\"c@example.org\",\"name\":" + value + "}",
                    "reply_to.name", null));
            cases.add(invalidInBatch(shown + " in to.email", "to", address, "to.email", null));
            cases.add(invalidInBatch(shown + " in from.email", "from", "{\"email\":" + address + "}", "from.email", null));
            cases.add(invalidInBatch(shown + " in reply_to.email", "reply_to", address, "reply_to.email", null));
            cases.add(invalidInBatch(shown + " in subject", "subject", value, "subject", null));
            cases.add(invalidInBatch(shown + " in a header value", "headers", "{\"X-Campaign\":" + value + "}", "headers.X-Campaign", null));
            cases.add(invalidInBatch(shown + " in a header name", "headers", "{" + write(headerName) + ":\"v\"}", "headers." + headerName, null));
            cases.add(invalidInBatch(shown + " in a tag", "tags", "[" + value + "]", "tags[0]", null));
            cases.add(invalidInBatch(shown + " in idempotency_key", "idempotency_key", value, "idempotency_key", null));
        }

        // Templates: syntax errors and sandbox escapes are refused at save, named by part and line.
        cases.add(badTemplate("unclosed print", "s", "Hello {{ name", "text", "line 1"));
        cases.add(badTemplate("syntax error in the subject", "Hi {{ name", "t", "subject", "line 1"));
        cases.add(badTemplate("a subject of two lines", "Hi\r\n" + INJECTED, "t", "subject", "one line"));
        cases.add(badTemplate("unknown tag", "s", "a\n{% shell 'id' %}", "text", "line 2"));
        cases.add(badTemplate("10,000 nested parentheses", "s", "{{ " + "(".repeat(10_000) + "1" + ")".repeat(10_000) + " }}",
                "text", "does not compile"));
        cases.add(badTemplate("the .. operator", "s", "{{ 1..100000000 }}", "text", "line 1"));
        for (String tag : List.of("{% include 'file:///etc/passwd' %}", "{% embed 'x' %}{% endembed %}", "{% from 'x' import y %}",
                "{% macro m() %}x{% endmacro %}", "{% cache 'k' %}x{% endcache %}", "{% parallel %}x{% endparallel %}",
                "{% block b %}x{% endblock %}")) {
            cases.add(badTemplate(tag, "s", tag, "text", "not allowed"));
        }

        // Templates at render: unknown variables, method calls, removed functions, header injection through data.
        cases.add(unrenderable("unknown nested template variable", "card", "{\"name\":\"Ada\",\"user\":{}}", "attribute 'address' is missing"));
        cases.add(unrenderable("CR/LF from data into the rendered subject", "card",
                "{\"name\":" + write("Ada\r\n" + INJECTED) + ",\"user\":{\"address\":{\"city\":\"c\"}}}", "line break"));
        cases.add(unrenderable("a method call through a property", "classy", "{\"name\":\"Ada\"}", "method calls are not allowed"));
        cases.add(unrenderable("the removed function range", "ranged", "{}", "[range] does not exist"));
        cases.add(unrenderable("an unknown filter", "filtered", "{\"name\":\"Ada\"}", "nosuchfilter"));
        // 1,000^3 loop iterations that write nothing: the output cap never trips, the loop budget does.
        cases.add(unrenderable("nested loops over data past the render budget", "looped",
                "{\"items\":" + numbers(1_000) + "}", "render budget exceeded: more than " + limits.maxLoopIterations() + " loop iterations"));
        cases.add(unrenderable("preview data with more values than max-data-elements", "looped",
                "{\"items\":" + numbers(limits.maxDataElements()) + "}", "data holds more than " + limits.maxDataElements() + " values"));
        cases.add(new Case("preview version beyond a double", post("/v1/templates/card/preview", "{\"version\":1e999}"), 422, "version", null));

        // send_at: RFC 3339 with an offset, at most scheduling-horizon ahead (year 0001 and leap seconds are keepers).
        for (String sendAt : List.of("10000-01-01T00:00:00Z", "+2030-01-01T00:00:00Z", "-0001-01-01T00:00:00Z", "2030-01-01",
                "2030-01-01T08:00Z", "2030-01-01T08:00:00+25:00", "2030-02-30T08:00:00Z", "2030-01-01T24:00:00Z",
                "2030-01-01T08:00:00.1234567890Z", "2030-01-01T08:00:00 +01:00", "")) {
            cases.add(invalid("send_at '" + sendAt + "'", "send_at", write(sendAt), "send_at", "RFC 3339"));
        }
        for (String sendAt : List.of("9999-12-31T23:59:59Z", "9999-12-31T23:59:60+00:00")) {
            cases.add(invalid("send_at '" + sendAt + "'", "send_at", write(sendAt), "send_at", "horizon"));
        }
        cases.add(invalidInBatch("send_at without an offset in a batch", "send_at", "\"2030-01-01T08:00:00\"", "send_at", "offset"));

        // topic names a consent topic; the worker compares it with the contacts' consent in ClickHouse.
        cases.add(invalid("topic with SQL in it", "topic", "\"x') OR 1=1 --\"", "topic", "a-z"));
        cases.add(invalid("topic in upper case", "topic", "\"Newsletter\"", "topic", "a-z"));
        cases.add(invalid("topic over 64 characters", "topic", write("t".repeat(65)), "topic", "a-z"));
        cases.add(invalid("topic a number", "topic", "7", "topic", "string"));
        cases.add(invalidInBatch("topic with a line break in a batch", "topic", "\"a\\nb\"", "topic", null));

        // Idempotency keys replayed with another payload; the refused batch releases the key it reserved.
        Map<String, Object> changed = new LinkedHashMap<>(before.getFirst().body());
        changed.put("subject", "Changed");
        cases.add(new Case("a replayed key with another payload", post("/v1/emails", write(changed)), 422, "idempotency_key",
                "different payload"));
        cases.add(new Case("a replayed key with another payload in a batch",
                post("/v1/emails/batch", write(Map.of("emails", List.of(keepers("after").getFirst().body(), changed)))), 422,
                "emails[1].idempotency_key", "different payload"));

        // Wrong and revoked keys: 401 with WWW-Authenticate, never the key in the body.
        Map<String, String> wrongKeys = Map.of(
                "an empty Authorization header", "",
                "a revoked key", bearer(revokedKey),
                "a key with its last character changed", bearer(key.substring(0, key.length() - 1) + (key.endsWith("a") ? "b" : "a")),
                "the key in Basic authentication", "Basic " + Base64.getEncoder().encodeToString((key + ":").getBytes(StandardCharsets.UTF_8)),
                "two keys", bearer(key) + ", " + bearer(otherKey),
                "a 4,000 character key", bearer("pd_" + "x".repeat(4_000)));
        wrongKeys.forEach((name, authorization) ->
                cases.add(new Case(name + " on an email", post("/v1/emails", email).authorizedBy(authorization), 401, null, null)));
        cases.add(new Case("no Authorization header on a template", get("/v1/templates/card").authorizedBy(null), 401, null, null));
        cases.add(new Case("a revoked key on a batch", post("/v1/emails/batch", batchOfTwo).authorizedBy(bearer(revokedKey)), 401, null, null));
        cases.add(new Case("a revoked key on a template", get("/v1/templates/card").authorizedBy(bearer(revokedKey)), 401, null, null));
        cases.add(new Case("a revoked key on a status read",
                get("/v1/emails/" + beforeIds.getFirst()).authorizedBy(bearer(revokedKey)), 401, null, null));

        // Another tenant's ids are simply not found; ids made to break out of their query or header are not either.
        String other = bearer(otherKey);
        cases.add(new Case("another tenant's email", get("/v1/emails/" + beforeIds.getFirst()).authorizedBy(other), 404, null, null));
        cases.add(new Case("cancelling another tenant's email", delete("/v1/emails/" + beforeIds.get(1)).authorizedBy(other), 404, null, null));
        cases.add(new Case("another tenant's batch", get("/v1/batches/" + before.getFirst().body().get("batch_id")).authorizedBy(other),
                404, null, null));
        cases.add(new Case("another tenant's template", get("/v1/templates/card").authorizedBy(other), 404, null, null));
        cases.add(new Case("another tenant's template version", get("/v1/templates/card/versions/1").authorizedBy(other), 404, null, null));
        cases.add(new Case("previewing another tenant's template", post("/v1/templates/card/preview", "{}").authorizedBy(other), 404, null, null));
        cases.add(new Case("an email using another tenant's template", post("/v1/emails",
                "{\"to\":\"a@example.com\",\"from\":\"b@example.org\",\"template\":{\"name\":\"card\"}}").authorizedBy(other),
                422, "template.name", null));
        cases.add(new Case("SQL in an email id", get("/v1/emails/x'%20OR%20'1'%3D'1"), 404, null, null));

        // Erasure: the address must be one; the operator API is off here (no operator tokens), for tenant keys too.
        cases.add(new Case("erasing something that is no address", delete("/v1/recipients/x'%20OR%201%3D1"), 422, "address", null));
        cases.add(new Case("erasing an address with CR/LF", delete("/v1/recipients/a@example.com%0D%0ABcc:%20b@example.com"),
                422, "address", null));
        cases.add(new Case("erasing without a key", delete("/v1/recipients/ada@example.com").authorizedBy(null), 401, null, null));
        cases.add(new Case("a tenant key on the operator API", get("/operator/tenants/" + tenant + "/senders"), 404, null, null));
        cases.add(new Case("adding a sender identity with a tenant key", new Call("PUT",
                "/operator/tenants/" + tenant + "/senders/evil.example", bearer(key), null, BodyPublishers.noBody()),
                404, null, null));
        cases.add(new Case("CR/LF in a batch id", post("/v1/batches/a%0D%0ABcc:%20x/pause", ""), 404, null, null));
        return cases;
    }

    private Case malformed(String name, String path, String body, String text) {
        return new Case(name, post(path, body), 400, null, text);
    }

    private Case invalid(String name, String member, String rawValue, String field, String text) {
        return new Case(name, post("/v1/emails", emailWith(member, rawValue)), 422, field, text);
    }

    /** The invalid email second in a batch: the problem must name it by its index. */
    private Case invalidInBatch(String name, String member, String rawValue, String field, String text) {
        String batch = ApiHarness.batch(List.of(ApiHarness.email(), emailWith(member, rawValue)));
        return new Case(name, post("/v1/emails/batch", batch), 422, field.isEmpty() ? "emails[1]" : "emails[1]." + field, text);
    }

    private Case badTemplate(String name, String subject, String text, String field, String message) throws IOException {
        return new Case("template: " + name, post("/v1/templates", template("refused", subject, text)), 422, field, message);
    }

    private Case unrenderable(String name, String template, String data, String message) {
        return new Case(name, post("/v1/templates/" + template + "/preview", "{\"data\":" + data + "}"), 422, "data", message);
    }

    /** A valid email with one member replaced or added, as raw JSON so that it can be any value at all. */
    private static String emailWith(String member, String rawValue) {
        Map<String, String> members = new LinkedHashMap<>();
        members.put("to", "{\"email\":\"ada@example.com\",\"name\":\"Ada\"}");
        members.put("from", "\"news@example.org\"");
        members.put("subject", "\"Hello\"");
        members.put("text", "\"Hi Ada\"");
        members.put(member, rawValue);
        return members.entrySet().stream().map(m -> "\"" + m.getKey() + "\":" + m.getValue())
                .collect(Collectors.joining(",", "{", "}"));
    }

    private void assertProblem(Case c) throws IOException, InterruptedException {
        ApiHarness.Response response = send(c.call());
        String answer = c.name() + " -> " + response.body();
        assertEquals(c.status(), response.status(), answer);
        assertEquals(ProblemResponses.MEDIA_TYPE, response.contentType(), answer);
        JsonNode problem = response.json();
        assertEquals(c.status(), problem.get("status").getIntValue(), answer);
        for (String member : List.of("type", "title", "detail")) {
            assertNotNull(problem.get(member), member + ": " + answer);
            assertFalse(problem.get(member).getStringValue().isBlank(), member + ": " + answer);
        }
        List<String> fields = new ArrayList<>();
        List<String> texts = new ArrayList<>(List.of(problem.get("detail").getStringValue()));
        JsonNode errors = problem.get("errors");
        if (errors != null) {
            errors.values().forEach(error -> {
                fields.add(error.get("field").getStringValue());
                texts.add(error.get("message").getStringValue());
            });
        }
        if (c.field() != null) {
            assertTrue(fields.contains(c.field()), "expected field '" + c.field() + "': " + answer);
        }
        if (c.text() != null) {
            assertTrue(texts.stream().anyMatch(t -> t.contains(c.text())), "expected '" + c.text() + "': " + answer);
        }
        for (String apiKey : List.of(key, otherKey, revokedKey)) {
            // pd_<key id>_<secret>: the id is hex, the secret base64url, which may hold '_' itself.
            String secret = apiKey.substring(apiKey.indexOf('_', "pd_".length()) + 1);
            assertFalse(response.body().contains(secret), "a key echoed: " + answer);
        }
        if (c.status() == 401) {
            assertEquals("Bearer", response.headers().firstValue("WWW-Authenticate").orElse(null), answer);
        }
    }

    private void assertTenantsStayApart(List<Keeper> before, List<String> beforeIds) throws IOException, InterruptedException {
        String batchId = (String) before.getFirst().body().get("batch_id");
        ApiHarness.Response othersCancel = send(post("/v1/batches/" + batchId + "/cancel", "").authorizedBy(bearer(otherKey)));
        assertEquals(200, othersCancel.status(), "a tenant controls its own batch of that name: " + othersCancel.body());
        assertEquals(BatchControl.ACTIVE, api.bean(BatchControls.class).current(tenant, batchId));
        for (String id : beforeIds) {
            ApiHarness.Response status = api.get(key, "/v1/emails/" + id);
            assertEquals(200, status.status(), status.body());
            assertEquals("scheduled", status.json().get("state").getStringValue(), id);
        }
    }

    private void assertAcceptedEmailsIntact(List<Keeper> before, List<String> beforeIds) throws Exception {
        assertEquals(200, api.management("/health").status());
        List<Keeper> after = keepers("after");
        List<Map<String, Object>> bodies = new ArrayList<>(after.stream().map(Keeper::body).toList());
        bodies.add(before.getFirst().body()); // an exact replay: answered with the earlier id, not queued again
        ApiHarness.Response accepted = api.post(key, "/v1/emails/batch", write(Map.of("emails", bodies)));
        assertEquals(202, accepted.status(), accepted.body());
        List<String> afterIds = new ArrayList<>();
        accepted.json().get("ids").values().forEach(id -> afterIds.add(id.getStringValue()));
        assertEquals(beforeIds.getFirst(), afterIds.removeLast(), "the replay");

        Map<String, Keeper> expected = new LinkedHashMap<>();
        for (int i = 0; i < before.size(); i++) {
            expected.put(beforeIds.get(i), before.get(i));
            expected.put(afterIds.get(i), after.get(i));
        }
        Map<String, ScheduledEmail> queued = api.awaitIntake(expected.size()).stream()
                .collect(Collectors.toMap(ScheduledEmail::id, Function.identity()));
        assertEquals(expected.keySet(), queued.keySet(), "each accepted email once, nothing refused");
        expected.forEach((id, keeper) -> {
            ScheduledEmail email = queued.get(id);
            assertEquals(tenant, email.tenant());
            assertEquals(keeper.body().get("batch_id"), email.batchId());
            assertEquals(new EmailContent(keeper.to(), FROM, REPLY_TO, SUBJECT, HTML, TEXT, null, DATA, HEADERS, TAGS,
                    (String) keeper.body().get("topic"), null, null), email.content(), id);
            assertEquals(keeper.sendAt() == null ? email.acceptedAt() : keeper.sendAt(), email.sendAt(), id);
        });
    }

    /**
     * Valid emails at the edges: an internationalized domain (queued in punycode) and non-ASCII
     * display names, send_at with an offset, a leap second, year 0001 (past: now), lower-case t and z,
     * a consent topic.
     */
    private List<Keeper> keepers(String phase) {
        LocalDate soon = LocalDate.now(ZoneOffset.UTC).plusDays(30);
        Address ada = new Address("ada@example.com", "Ada Lovelace");
        Address zoe = new Address("zoe@xn--bcher-kva.example", "Zoë Ünïcödé 李");
        Address ops = new Address("ops@xn--bcher-kva.example", null);
        List<Keeper> keepers = List.of(
                keeper(Map.of("email", ada.email(), "name", ada.name()), null, ada, null),
                keeper(Map.of("email", "zoe@bücher.example", "name", zoe.name()), soon + "T08:00:00+05:30", zoe,
                        OffsetDateTime.parse(soon + "T08:00:00+05:30").toInstant()),
                keeper(ops.email(), soon + "T23:59:60Z", ops, soon.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()),
                keeper(ada.email(), "0001-01-01T00:00:00Z", new Address(ada.email(), null), null),
                keeper(Map.of("email", ada.email(), "name", ada.name()), soon + "t10:00:00.999z", ada,
                        soon.atTime(10, 0).toInstant(ZoneOffset.UTC)));
        for (int i = 0; i < keepers.size(); i++) {
            keepers.get(i).body().put("idempotency_key", phase + "-" + i);
            keepers.get(i).body().put("batch_id", "hostile-" + phase);
        }
        keepers.get(1).body().put("topic", "newsletter-" + phase);
        return keepers;
    }

    private static Keeper keeper(Object to, String sendAt, Address expectedTo, Instant expectedSendAt) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("to", to);
        body.put("from", Map.of("email", FROM.email(), "name", FROM.name()));
        body.put("reply_to", REPLY_TO.email());
        body.put("subject", SUBJECT);
        body.put("html", HTML);
        body.put("text", TEXT);
        body.put("data", DATA);
        body.put("headers", HEADERS);
        body.put("tags", TAGS);
        if (sendAt != null) {
            body.put("send_at", sendAt);
        }
        return new Keeper(body, expectedTo, expectedSendAt);
    }

    private void saveTemplate(String name, String subject, String text) throws IOException, InterruptedException {
        ApiHarness.Response saved = api.post(key, "/v1/templates", template(name, subject, text));
        assertEquals(201, saved.status(), saved.body());
    }

    private String template(String name, String subject, String text) throws IOException {
        return write(Map.of("name", name, "subject", subject, "text", text));
    }

    private Call post(String path, String body) {
        return post(path, body.getBytes(StandardCharsets.UTF_8));
    }

    private Call post(String path, byte[] body) {
        return new Call("POST", path, bearer(key), "application/json", BodyPublishers.ofByteArray(body));
    }

    private Call get(String path) {
        return new Call("GET", path, bearer(key), null, BodyPublishers.noBody());
    }

    private Call delete(String path) {
        return new Call("DELETE", path, bearer(key), null, BodyPublishers.noBody());
    }

    private static String bearer(String key) {
        return "Bearer " + key;
    }

    private ApiHarness.Response send(Call call) throws IOException, InterruptedException {
        return api.send(request(call));
    }

    private HttpRequest.Builder request(Call call) {
        HttpRequest.Builder builder = api.request(null, call.path()).method(call.method(), call.body());
        if (call.authorization() != null) {
            builder.header("Authorization", call.authorization());
        }
        return call.contentType() == null ? builder : builder.header("Content-Type", call.contentType());
    }

    private String write(Object value) throws IOException {
        return json.writeValueAsString(value);
    }

    private static String numbers(int count) {
        return IntStream.range(0, count).mapToObj(Integer::toString).collect(Collectors.joining(",", "[", "]"));
    }

    private static String nestedJson(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    private static Object nestedList(int depth, Object leaf) {
        Object value = leaf;
        for (int i = 0; i < depth; i++) {
            value = List.of(value);
        }
        return value;
    }
}
