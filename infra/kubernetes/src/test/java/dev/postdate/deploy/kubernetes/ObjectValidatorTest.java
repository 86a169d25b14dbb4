package dev.postdate.deploy.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The validator must fail on the mistakes it exists for; each case breaks one rendered object. */
class ObjectValidatorTest {

    private static final RenderedChart CHART = RenderedChart.render();

    @Test
    void aMisspelledFieldFails() {
        assertProblem("Deployment", "postdate-worker",
                d -> ((ObjectNode) d.at("/spec/template/spec/containers/0")).set("readinesProbe",
                        d.at("/spec/template/spec/containers/0/readinessProbe")),
                "readinesProbe");
    }

    @Test
    void aValueOfTheWrongTypeFails() {
        assertProblem("Deployment", "postdate-ranger", d -> ((ObjectNode) d.get("spec")).put("replicas", "two"), "replicas");
        assertProblem("PodDisruptionBudget", "postdate-ranger",
                d -> ((ObjectNode) d.get("spec")).putArray("selector"), "selector");
    }

    @Test
    void aWrongApiVersionFails() {
        assertProblem("HorizontalPodAutoscaler", "postdate-api",
                d -> ((ObjectNode) d).put("apiVersion", "autoscaling/v2beta1"), "apiVersion");
    }

    @Test
    void kedaTriggersNeedTheirMetadataAsStrings() {
        assertProblem("ScaledObject", "postdate-worker",
                d -> ((ObjectNode) d.at("/spec/triggers/1/metadata")).put("threshold", 300000), "threshold");
        assertProblem("ScaledObject", "postdate-worker",
                d -> ((ObjectNode) d.at("/spec/triggers/0/metadata")).remove("awsRegion"), "awsRegion");
        assertProblem("ScaledObject", "postdate-worker",
                d -> ((ObjectNode) d.at("/spec/triggers/0/metadata")).put("queueUrl", "x"), "queueUrl");
        assertProblem("ScaledObject", "postdate-worker",
                d -> ((ObjectNode) d.get("spec")).put("maxReplicas", 5), "maxReplicas");
        assertProblem("ScaledObject", "postdate-worker",
                d -> ((ObjectNode) d.at("/spec/advanced/horizontalPodAutoscalerConfig/behavior/scaleDown"))
                        .put("stabilisationWindowSeconds", 60), "stabilisationWindowSeconds");
    }

    @Test
    void kedaPodIdentityOwnersAreKedaOrWorkload() {
        assertProblem("TriggerAuthentication", "postdate-aws",
                d -> ((ObjectNode) d.at("/spec/podIdentity")).put("identityOwner", "operator"), "identityOwner");
    }

    @Test
    void aKindWithoutSchemaFails() {
        assertProblem("ConfigMap", "postdate-config", d -> ((ObjectNode) d).put("kind", "Ingress"), "no schema");
    }

    private static void assertProblem(String kind, String name, Consumer<JsonNode> breakIt, String mentioned) {
        JsonNode object = CHART.get(kind, name).deepCopy();
        assertTrue(ObjectValidator.problems(object).isEmpty(), "valid before it is broken");
        breakIt.accept(object);
        List<String> problems = ObjectValidator.problems(object);
        assertTrue(problems.stream().anyMatch(p -> p.contains(mentioned)),
                () -> "expected a problem naming " + mentioned + ", got " + problems);
    }
}
