package dev.postdate.deploy.aws;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads CloudFormation templates and the spec subset as plain trees. */
final class Templates {

    /** The template under test, relative to the module directory surefire runs in. */
    static final Path TEMPLATE = Path.of("postdate.yaml");

    // CloudFormation refuses a template with a key given twice; a YAML parser would keep the last.
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder().build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private Templates() {
    }

    static JsonNode template() {
        try {
            return parseYaml(Files.readString(TEMPLATE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode parseYaml(String yaml) throws IOException {
        return YAML.readTree(yaml);
    }

    static CfnSpec spec() {
        try (var in = Templates.class.getResourceAsStream("/cfn-spec-subset.json")) {
            return new CfnSpec(JSON.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
