package dev.postdate.api;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The OpenAPI document the api serves, as standard tooling (swagger-parser) reads it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiDocumentTest {

    private ApiHarness api;
    private OpenAPI document;
    private List<String> messages;

    @BeforeAll
    void start() throws Exception {
        api = ApiHarness.start(getClass(), Map.of("postdate.api.operator.token-hashes", List.of("0".repeat(64))));
        ApiHarness.Response served = api.get(null, "/openapi/postdate-api.yml");
        assertEquals(200, served.status());
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(served.body(), null, options);
        document = parsed.getOpenAPI();
        messages = parsed.getMessages() == null ? List.of() : parsed.getMessages();
    }

    @AfterAll
    void stop() throws Exception {
        api.close();
    }

    @Test
    void theDocumentValidates() {
        assertEquals(List.of(), messages);
        assertNotNull(document);
        assertNotNull(document.getComponents().getSchemas().get("Problem"), "the problem schema");
    }

    @Test
    void everyOperationDocumentsItsSuccessAndItsProblems() {
        List<String> missing = new ArrayList<>();
        document.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
            String name = method + " " + path;
            if (operation.getResponses().keySet().stream().noneMatch(code -> code.startsWith("2"))) {
                missing.add(name + ": no success response");
            }
            if (path.startsWith("/v1/") && !operation.getResponses().containsKey("401")) {
                missing.add(name + ": no 401");
            }
            if (problemResponses(operation).isEmpty()) {
                missing.add(name + ": no problem response");
            }
            operation.getResponses().forEach((code, response) -> {
                if (response.getContent() != null && response.getContent().containsKey("application/problem+json")
                        && response.getContent().get("application/problem+json").getSchema() == null) {
                    missing.add(name + " " + code + ": a problem without its schema");
                }
            });
        }));
        assertEquals(List.of(), missing);
    }

    private static List<String> problemResponses(Operation operation) {
        return operation.getResponses().entrySet().stream()
                .filter(e -> e.getKey().startsWith("4") || e.getKey().startsWith("5"))
                .filter(e -> e.getValue().getContent() != null && e.getValue().getContent().containsKey("application/problem+json"))
                .map(Map.Entry::getKey).toList();
    }
}
