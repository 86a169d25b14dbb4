package dev.postdate.deploy.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The chart as Helm renders it, with the defaults and with production-like values (docs/deploy.md). */
class ChartTest {

    private static final List<String> COMPONENTS =
            List.of("api", "ingest-consumer", "ranger", "worker", "campaign-expander", "feedback-consumer", "tracker",
                    "janitor");
    /** The roles with a Service on their public port: the api for clients, the tracker for recipients. */
    private static final List<String> PUBLIC = List.of("api", "tracker");
    private static final Path PRODUCTION_VALUES = RenderedChart.REPOSITORY.resolve("infra/kubernetes/values-production.yaml");

    private final RenderedChart defaults = RenderedChart.render();
    private final RenderedChart production = RenderedChart.render(PRODUCTION_VALUES);

    @Test
    void helmLintsTheChartStrictly() {
        var lint = new Helm(RenderedChart.CHART).lint().strict().call();
        assertFalse(lint.isFailed(), () -> String.join("\n", lint.getMessages()));
    }

    @Test
    void everyRenderedObjectValidatesAgainstItsSchema() {
        List<String> problems = new ArrayList<>();
        for (RenderedChart chart : List.of(defaults, production)) {
            chart.objects.forEach(o -> problems.addAll(ObjectValidator.problems(o)));
        }
        assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
    }

    @Test
    void eachRoleIsADeploymentThatMatchesItsComponent() {
        for (RenderedChart chart : List.of(defaults, production)) {
            for (String component : COMPONENTS) {
                ComponentConfig config = ComponentConfig.of(component);
                JsonNode deployment = chart.get("Deployment", "postdate-" + component);
                JsonNode pod = deployment.at("/spec/template/spec");
                JsonNode container = pod.at("/containers/0");
                Map<String, Integer> ports = StreamSupport.stream(container.get("ports").spliterator(), false)
                        .collect(Collectors.toMap(p -> p.get("name").asText(), p -> p.get("containerPort").asInt()));
                long grace = pod.get("terminationGracePeriodSeconds").asLong();
                long preStop = container.at("/lifecycle/preStop/sleep/seconds").asLong(0);
                assertAll(component,
                        () -> assertTrue(container.get("image").asText().contains("/postdate-" + component + ":")
                                || container.get("image").asText().contains("/postdate-" + component + "@")),
                        () -> assertEquals(Map.of("http", config.port(), "management", config.managementPort()), ports),
                        () -> assertEquals("/health/liveness", container.at("/livenessProbe/httpGet/path").asText()),
                        () -> assertEquals("/health/readiness", container.at("/readinessProbe/httpGet/path").asText()),
                        () -> assertEquals("management", container.at("/readinessProbe/httpGet/port").asText()),
                        () -> assertEquals("management", container.at("/livenessProbe/httpGet/port").asText()),
                        () -> assertTrue(grace > config.stopGrace().toSeconds() + preStop,
                                "terminationGracePeriodSeconds " + grace + " must exceed the stop grace "
                                        + config.stopGrace() + " and the pre-stop pause " + preStop),
                        () -> assertTrue(pod.at("/securityContext/runAsNonRoot").asBoolean()),
                        () -> assertTrue(pod.at("/securityContext/runAsUser").asInt() > 0),
                        () -> assertTrue(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()),
                        () -> assertFalse(container.at("/securityContext/allowPrivilegeEscalation").asBoolean(true)),
                        () -> assertEquals("/tmp", container.at("/volumeMounts/0/mountPath").asText()),
                        () -> assertTrue(chart.find("ServiceAccount", pod.get("serviceAccountName").asText()).isPresent()),
                        () -> assertTrue(chart.find("PodDisruptionBudget", "postdate-" + component).isPresent()),
                        () -> assertTrue(chart.find("Service", "postdate-" + component + "-metrics").isPresent()));
            }
        }
    }

    @Test
    void prometheusScrapesEveryComponentUnderItsNameAsJob() {
        JsonNode monitor = defaults.get("ServiceMonitor", "postdate");
        assertEquals("app.kubernetes.io/component", monitor.at("/spec/jobLabel").asText());
        assertEquals("/prometheus", monitor.at("/spec/endpoints/0/path").asText());
        assertEquals("management", monitor.at("/spec/endpoints/0/port").asText());
        for (String component : COMPONENTS) {
            JsonNode labels = defaults.get("Service", "postdate-" + component + "-metrics").at("/metadata/labels");
            assertEquals(component, labels.get("app.kubernetes.io/component").asText());
            assertEquals("true", labels.get("postdate.dev/metrics").asText());
        }
    }

    @Test
    void twoRangersRunAndOneLeads() {
        assertEquals(2, defaults.get("Deployment", "postdate-ranger").at("/spec/replicas").asInt());
    }

    @Test
    void theServicesClientsReachCarryThePublicPortOnly() {
        List<JsonNode> publicServices = PUBLIC.stream().map(c -> defaults.get("Service", "postdate-" + c)).toList();
        for (JsonNode service : publicServices) {
            assertEquals(1, service.at("/spec/ports").size());
            assertEquals("http", service.at("/spec/ports/0/targetPort").asText());
        }
        for (JsonNode other : defaults.ofKind("Service")) {
            if (!publicServices.contains(other)) {
                assertEquals("management", other.at("/spec/ports/0/targetPort").asText(), other.toString());
            }
        }
    }

    /**
     * The tracker faces the internet: of the Secret it gets only what it reads (the tracking keys,
     * shared with the workers, and the operator token), never ClickHouse's password or Redis' token.
     */
    @Test
    void theTrackerGetsOnlyItsSecretsAndSharesItsKeysWithTheWorkers() {
        for (RenderedChart chart : List.of(defaults, production)) {
            String secret = chart.get("Deployment", "postdate-worker")
                    .at("/spec/template/spec/containers/0/envFrom/1/secretRef/name").asText();
            JsonNode tracker = chart.get("Deployment", "postdate-tracker").at("/spec/template/spec/containers/0");
            assertTrue(StreamSupport.stream(tracker.get("envFrom").spliterator(), false)
                    .noneMatch(from -> from.has("secretRef")), "the tracker must not take the whole Secret");
            Set<String> fromSecret = new java.util.TreeSet<>();
            for (JsonNode variable : tracker.get("env")) {
                JsonNode ref = variable.at("/valueFrom/secretKeyRef");
                if (!ref.isMissingNode()) {
                    assertEquals(secret, ref.get("name").asText());
                    fromSecret.add(ref.get("key").asText());
                }
            }
            assertEquals(Set.of("POSTDATE_MANAGEMENT_OPERATOR_TOKEN", "POSTDATE_TRACKING_KEYS"), fromSecret);
        }
        assertTrue(defaults.get("Secret", "postdate-secrets").at("/stringData").has("POSTDATE_TRACKING_KEYS"));
        JsonNode config = production.get("ConfigMap", "postdate-config").get("data");
        assertEquals(config.get("POSTDATE_TRACKER_QUEUE"), config.get("POSTDATE_FEEDBACK_TRACKING_QUEUE"),
                "the feedback consumer reads the queue the tracker sends to");
        assertTrue(config.get("POSTDATE_TRACKING_BASE_URL").asText().startsWith("https://"));
    }

    @Test
    void everyEnvironmentVariableNamesASettingOfSomeComponent() {
        List<ComponentConfig> configs = COMPONENTS.stream().map(ComponentConfig::of).toList();
        for (RenderedChart chart : List.of(defaults, production)) {
            Set<String> names = new java.util.TreeSet<>();
            chart.ofKind("ConfigMap").forEach(c -> c.get("data").fieldNames().forEachRemaining(names::add));
            chart.ofKind("Secret").forEach(s -> s.get("stringData").fieldNames().forEachRemaining(names::add));
            chart.ofKind("Deployment").forEach(d -> d.at("/spec/template/spec/containers/0/env")
                    .forEach(e -> names.add(e.get("name").asText())));
            List<String> unread = names.stream()
                    .filter(name -> configs.stream().noneMatch(c -> c.readsEnvironmentVariable(name)))
                    .toList();
            assertTrue(unread.isEmpty(), "variables no component reads: " + unread);
        }
    }

    @Test
    void kedaScalesWorkersOnTheRangesQueueAndAheadOfABurst() {
        JsonNode worker = defaults.get("ScaledObject", "postdate-worker");
        assertEquals("postdate-worker", worker.at("/spec/scaleTargetRef/name").asText());
        JsonNode sqs = worker.at("/spec/triggers/0");
        assertEquals("aws-sqs-queue", sqs.get("type").asText());
        assertTrue(sqs.at("/metadata/queueURL").asText().endsWith("/postdate-ranges"));
        JsonNode dueSoon = worker.at("/spec/triggers/1");
        assertEquals("prometheus", dueSoon.get("type").asText());
        assertEquals("max(postdate_ranger_due_soon_emails{namespace=\"postdate\"})", dueSoon.at("/metadata/query").asText());
        // sendRatePerReplica 1000/s for drainSeconds 300: one worker per 300,000 emails due in the window.
        assertEquals("300000", dueSoon.at("/metadata/threshold").asText());

        JsonNode ingest = defaults.get("ScaledObject", "postdate-ingest-consumer");
        assertTrue(ingest.at("/spec/triggers/0/metadata/queueURL").asText().endsWith("/postdate-intake"));

        for (String cpuBound : List.of("api", "tracker")) {
            JsonNode hpa = defaults.get("HorizontalPodAutoscaler", "postdate-" + cpuBound);
            assertEquals("postdate-" + cpuBound, hpa.at("/spec/scaleTargetRef/name").asText());
        }
        for (String scaled : List.of("worker", "ingest-consumer", "api", "tracker")) {
            assertTrue(defaults.get("Deployment", "postdate-" + scaled).at("/spec/replicas").isMissingNode(),
                    scaled + ": an autoscaled Deployment leaves its replicas to the autoscaler");
        }
    }

    @Test
    void productionValuesPinDigestsUseIrsaRolesAndAnExistingSecret() {
        for (String component : List.of("api", "worker", "ranger", "tracker")) {
            assertEquals("arn:aws:iam::123456789012:role/postdate-" + component,
                    production.get("ServiceAccount", "postdate-" + component)
                            .at("/metadata/annotations/eks.amazonaws.com~1role-arn").asText());
            assertTrue(production.get("Deployment", "postdate-" + component)
                    .at("/spec/template/spec/containers/0/image").asText().contains("@sha256:"));
        }
        assertTrue(production.ofKind("Secret").isEmpty());
        assertEquals("postdate-secrets", production.get("Deployment", "postdate-worker")
                .at("/spec/template/spec/containers/0/envFrom/1/secretRef/name").asText());
        assertEquals("2", production.get("ConfigMap", "postdate-config").at("/data/POSTDATE_CLICKHOUSE_INSERT_QUORUM").asText());
        assertEquals("false", production.get("ConfigMap", "postdate-config")
                .at("/data/POSTDATE_CLICKHOUSE_MANAGED_REPLICATION").asText());
    }
}
