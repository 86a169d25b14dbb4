package dev.postdate.deploy.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehavior;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.json.JsonMapper;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Validates one rendered object offline, strictly: a field the schema does not name or a value of the
 * wrong type is a problem. Kubernetes' own kinds and the Prometheus Operator's ServiceMonitor are read
 * into fabric8's models, which are generated from the Kubernetes OpenAPI schema (and the operator's
 * CRD); a field they do not know lands in a model's additional properties, which must stay empty. KEDA's
 * kinds are checked against the JSON schema in src/test/resources/schemas.
 */
final class ObjectValidator {

    /** apiVersion and model of every kind the chart may render. */
    private static final Map<String, Kind> KINDS = Map.of(
            "Deployment", new Kind("apps/v1", Deployment.class),
            "Service", new Kind("v1", Service.class),
            "ServiceAccount", new Kind("v1", ServiceAccount.class),
            "ConfigMap", new Kind("v1", ConfigMap.class),
            "Secret", new Kind("v1", Secret.class),
            "PodDisruptionBudget", new Kind("policy/v1", PodDisruptionBudget.class),
            "HorizontalPodAutoscaler", new Kind("autoscaling/v2", HorizontalPodAutoscaler.class),
            "ServiceMonitor", new Kind("monitoring.coreos.com/v1", ServiceMonitor.class),
            "ScaledObject", new Kind("keda.sh/v1alpha1", null),
            "TriggerAuthentication", new Kind("keda.sh/v1alpha1", null));

    private record Kind(String apiVersion, Class<?> model) {
    }

    // Scalars are not coerced: "3" where Kubernetes wants an integer is an error there too.
    private static final JsonMapper MODELS = JsonMapper.builder()
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();
    private static final JsonSchemaFactory SCHEMAS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7);

    /** The problems of one object, each naming where it is; empty when it is valid. */
    static List<String> problems(JsonNode object) {
        String kind = object.path("kind").asText();
        String where = kind + " " + object.path("metadata").path("name").asText();
        Kind known = KINDS.get(kind);
        if (known == null) {
            return List.of(where + ": a kind the validator has no schema for");
        }
        List<String> problems = new ArrayList<>();
        if (!known.apiVersion().equals(object.path("apiVersion").asText())) {
            problems.add(where + ": apiVersion " + object.path("apiVersion") + ", expected " + known.apiVersion());
        }
        if (known.model() == null) {
            keda(object, kind, where, problems);
        } else {
            model(object, known.model(), where, problems);
        }
        return problems;
    }

    private static void keda(JsonNode object, String kind, String where, List<String> problems) {
        String definition = kind.equals("ScaledObject") ? "scaledObject" : "triggerAuthentication";
        JsonSchema schema = SCHEMAS.getSchema(SchemaLocation.of(
                "classpath:schemas/keda.sh-v1alpha1.json#/definitions/" + definition));
        for (ValidationMessage message : schema.validate(object)) {
            problems.add(where + ": " + message.getMessage());
        }
        JsonNode behavior = object.at("/spec/advanced/horizontalPodAutoscalerConfig/behavior");
        if (!behavior.isMissingNode()) {
            model(behavior, HorizontalPodAutoscalerBehavior.class, where + " behavior", problems);
        }
    }

    private static void model(JsonNode object, Class<?> model, String where, List<String> problems) {
        Object read;
        try {
            read = MODELS.readValue(object.toString(), model);
        } catch (JacksonException e) {
            problems.add(where + ": " + e.getOriginalMessage().lines().findFirst().orElse("")
                    + " at " + e.getPathReference());
            return;
        }
        unknownFields(read, "", where, problems);
    }

    /** Walks the model's tree: every field the schema does not know is in some additionalProperties. */
    private static void unknownFields(Object node, String path, String where, List<String> problems) {
        if (node == null) {
            return;
        }
        if (node instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                unknownFields(item, path + "[" + i++ + "]", where, problems);
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> unknownFields(value, path + "." + key, where, problems));
            return;
        }
        if (!node.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method getter : node.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || getter.getDeclaringClass() == Object.class || !getter.getName().startsWith("get")) {
                continue;
            }
            Object value;
            try {
                value = getter.invoke(node);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(getter.toString(), e);
            }
            String field = Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
            if (field.equals("additionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    problems.add(where + ": unknown field(s) " + extra.keySet() + " at " + (path.isEmpty() ? "/" : path));
                }
            } else {
                unknownFields(value, path + "." + field, where, problems);
            }
        }
    }

    private ObjectValidator() {
    }
}
