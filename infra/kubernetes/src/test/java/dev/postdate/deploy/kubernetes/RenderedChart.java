package dev.postdate.deploy.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The chart rendered by Helm itself (helm-java embeds Helm's Go library), as one JSON tree per object. */
final class RenderedChart {

    static final Path REPOSITORY = Path.of("").toAbsolutePath().resolve("../..").normalize();
    static final Path CHART = REPOSITORY.resolve("infra/kubernetes/postdate");
    static final String RELEASE = "postdate";
    static final String NAMESPACE = "postdate";
    // Helm's template command assumes an old cluster unless told; this one is within the chart's
    // kubeVersion and the Kubernetes release fabric8's models are generated from.
    static final String KUBE_VERSION = "v1.33.0";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    final List<JsonNode> objects;

    private RenderedChart(List<JsonNode> objects) {
        this.objects = objects;
    }

    /** Renders with the chart's defaults, then each values file in turn on top of them. */
    static RenderedChart render(Path... valuesFiles) {
        var template = new Helm(CHART).template().withName(RELEASE).withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION);
        for (Path values : valuesFiles) {
            template = template.withValuesFile(values);
        }
        return new RenderedChart(parse(template.call()));
    }

    static List<JsonNode> parse(String manifests) {
        List<JsonNode> objects = new ArrayList<>();
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(manifests)) {
            while (documents.hasNext()) {
                JsonNode document = documents.next();
                if (document != null && !document.isNull() && !document.isEmpty()) {
                    objects.add(document);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("Helm rendered YAML that does not parse", e);
        }
        return objects;
    }

    List<JsonNode> ofKind(String kind) {
        return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
    }

    Optional<JsonNode> find(String kind, String name) {
        return ofKind(kind).stream().filter(o -> name.equals(o.path("metadata").path("name").asText())).findFirst();
    }

    JsonNode get(String kind, String name) {
        return find(kind, name).orElseThrow(() -> new AssertionError("no " + kind + " " + name + " rendered"));
    }
}
