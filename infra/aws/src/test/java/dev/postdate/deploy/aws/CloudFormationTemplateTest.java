package dev.postdate.deploy.aws;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * infra/aws/postdate.yaml checked offline: against the CloudFormation resource specification, for
 * least-privilege IAM per component, and for agreement with the local stack and the code. Nothing
 * here talks to AWS; docs/aws.md says what that leaves unchecked.
 */
class CloudFormationTemplateTest {

    private final JsonNode template = Templates.template();
    private final CfnSpec spec = Templates.spec();

    @Test
    void templatePassesTheSpecificationCheck() {
        assertEquals(List.of(), new TemplateValidator(spec).validate(template));
    }

    @Test
    void specSubsetIsThePinnedPackagesAndHoldsExactlyTheTemplatesTypes() throws IOException {
        String script = Files.readString(Path.of("update-spec.sh"));
        assertEquals("@aws-cdk/cfnspec@" + scriptValue(script, "VERSION"), spec.provenance().path("Package").asText());
        assertEquals(scriptValue(script, "TARBALL_SHA256"), spec.provenance().path("TarballSha256").asText());

        Set<String> used = new TreeSet<>();
        template.path("Resources").forEach(resource -> used.add(resource.path("Type").asText()));
        assertEquals(used, spec.resourceTypeNames(), "regenerate the subset: infra/aws/update-spec.sh");
    }

    @Test
    void everyComponentHasItsOwnPolicyWithExactlyTheCallsOfItsCode() {
        assertEquals(List.of(), ComponentPolicies.check(template));
    }

    /**
     * The SQS and SES calls in each component's own sources, mapped to IAM actions, are all in its
     * policy: a new call without a policy change fails here rather than with AccessDenied in
     * production. core's calls are checked against the union (which component uses which core class
     * is ComponentPolicies.EXPECTED's business).
     */
    @Test
    void policiesCoverEverySqsAndSesCallInTheCode() throws IOException {
        Map<String, String> actions = Map.ofEntries(
                Map.entry("sqs.sendMessage", "sqs:SendMessage"), Map.entry("sqs.sendMessageBatch", "sqs:SendMessage"),
                Map.entry("sqs.receiveMessage", "sqs:ReceiveMessage"),
                Map.entry("sqs.deleteMessage", "sqs:DeleteMessage"), Map.entry("sqs.deleteMessageBatch", "sqs:DeleteMessage"),
                Map.entry("sqs.changeMessageVisibility", "sqs:ChangeMessageVisibility"),
                Map.entry("sqs.changeMessageVisibilityBatch", "sqs:ChangeMessageVisibility"),
                Map.entry("sqs.getQueueUrl", "sqs:GetQueueUrl"), Map.entry("sqs.getQueueAttributes", "sqs:GetQueueAttributes"),
                Map.entry("ses.sendEmail", "ses:SendEmail"));
        // The SES client's close and a bean Provider's get (WorkerFactory's ses) call no AWS API.
        Set<String> noApi = Set.of("ses.close", "ses.get", "sqs.close");
        Path root = Path.of("../..");
        List<String> uncovered = new ArrayList<>();
        Set<String> allGranted = new TreeSet<>(actionsOf(ComponentPolicies.DEAD_LETTER_OPERATOR));
        for (Map.Entry<String, Set<String>> component : ComponentPolicies.EXPECTED.entrySet()) {
            Set<String> granted = actionsOf(component.getValue());
            allGranted.addAll(granted);
            for (String call : calls(root.resolve(component.getKey()).resolve("src/main/java"))) {
                if (noApi.contains(call)) {
                    continue;
                }
                String action = actions.get(call);
                if (action == null || !granted.contains(action)) {
                    uncovered.add(component.getKey() + ": " + call + (action == null ? " (no IAM action mapped)" : " -> " + action));
                }
            }
        }
        Set<String> coreCalls = calls(root.resolve("core/src/main/java"));
        assertFalse(coreCalls.isEmpty(), "the scan found no call in core: is the variable still named sqs?");
        for (String call : coreCalls) {
            if (!noApi.contains(call) && !allGranted.contains(actions.get(call))) {
                uncovered.add("core: " + call);
            }
        }
        assertEquals(List.of(), uncovered);
        assertTrue(calls(root.resolve("worker/src/main/java")).contains("ses.sendEmail"), "the scan must see the worker's SES call");
    }

    @Test
    void queuesMatchTheLocalElasticMqConfiguration() throws IOException {
        String conf = Files.readString(Path.of("../local/elasticmq.conf"));
        JsonNode resources = template.path("Resources");
        for (String queue : List.of("intake", "ranges", "feedback", "tracking")) {
            Matcher block = Pattern.compile("postdate-" + queue + " \\{\\s*defaultVisibilityTimeout = (\\d+) seconds"
                    + "\\s*deadLettersQueue \\{\\s*name = \"postdate-" + queue + "-dlq\"\\s*maxReceiveCount = (\\d+)").matcher(conf);
            assertTrue(block.find(), "elasticmq.conf has no block for postdate-" + queue);
            String name = Character.toUpperCase(queue.charAt(0)) + queue.substring(1);
            JsonNode properties = resources.path(name + "Queue").path("Properties");
            assertEquals(Integer.parseInt(block.group(1)), properties.path("VisibilityTimeout").asInt(), queue);
            assertEquals(Integer.parseInt(block.group(2)), properties.path("RedrivePolicy").path("maxReceiveCount").asInt(), queue);
            assertEquals(name + "DeadLetterQueue",
                    properties.path("RedrivePolicy").path("deadLetterTargetArn").path("Fn::GetAtt").path(0).asText());
            // The feedback consumer never dead-letters by hand: its queues' redrive policies are the only way
            // out for a message it keeps failing on. The other components find a dead-letter queue as
            // <queue>-dlq unless configured otherwise.
            assertEquals(properties.path("QueueName").path("Fn::Sub").asText() + "-dlq",
                    resources.path(name + "DeadLetterQueue").path("Properties").path("QueueName").path("Fn::Sub").asText());
        }
    }

    @Test
    void queuesOutliveTheStackSoThatAcceptedMailDoes() {
        template.path("Resources").properties().forEach(e -> {
            if ("AWS::SQS::Queue".equals(e.getValue().path("Type").asText())) {
                assertEquals("Retain", e.getValue().path("DeletionPolicy").asText(), e.getKey());
                assertEquals("Retain", e.getValue().path("UpdateReplacePolicy").asText(), e.getKey());
            }
        });
    }

    @Test
    void redisIsMultiAzEncryptedAuthenticatedAndSnapshotted() {
        JsonNode redis = template.path("Resources").path("RedisReplicationGroup").path("Properties");
        for (String flag : List.of("AutomaticFailoverEnabled", "MultiAZEnabled", "TransitEncryptionEnabled",
                "AtRestEncryptionEnabled")) {
            assertTrue(redis.path(flag).asBoolean(), flag);
        }
        String token = redis.path("AuthToken").path("Ref").asText();
        assertTrue(template.path("Parameters").path(token).path("NoEcho").asBoolean(), "the AUTH token parameter is NoEcho");
        String snapshots = redis.path("SnapshotRetentionLimit").path("Ref").asText();
        assertTrue(template.path("Parameters").path(snapshots).path("MinValue").asInt() >= 1, "snapshots cannot be turned off");
        assertTrue(template.path("Parameters").path("RedisNodeCount").path("MinValue").asInt() >= 2, "failover needs a replica");
    }

    @Test
    void sesEventsReachTheFeedbackQueueThroughTheTopic() {
        JsonNode resources = template.path("Resources");
        JsonNode destination = resources.path("FeedbackEventDestination").path("Properties");
        assertEquals("ConfigurationSet", destination.path("ConfigurationSetName").path("Ref").asText());
        assertEquals("FeedbackTopic", destination.path("EventDestination").path("SnsDestination").path("TopicARN").path("Ref").asText());
        assertTrue(destination.path("EventDestination").path("MatchingEventTypes").toString()
                .matches(".*bounce.*complaint.*delivery.*"));

        JsonNode subscription = resources.path("FeedbackSubscription").path("Properties");
        assertEquals("FeedbackTopic", subscription.path("TopicArn").path("Ref").asText());
        assertEquals("sqs", subscription.path("Protocol").asText());
        assertEquals("FeedbackQueue", subscription.path("Endpoint").path("Fn::GetAtt").path(0).asText());

        JsonNode queueStatement = resources.path("FeedbackQueuePolicy").path("Properties").path("PolicyDocument").path("Statement").path(0);
        assertEquals("sns.amazonaws.com", queueStatement.path("Principal").path("Service").asText());
        assertEquals("sqs:SendMessage", queueStatement.path("Action").asText());
        assertEquals("FeedbackTopic", queueStatement.path("Condition").path("ArnEquals").path("aws:SourceArn").path("Ref").asText());

        JsonNode topicStatement = resources.path("FeedbackTopicPolicy").path("Properties").path("PolicyDocument").path("Statement").path(0);
        assertEquals("ses.amazonaws.com", topicStatement.path("Principal").path("Service").asText());
        assertEquals("sns:Publish", topicStatement.path("Action").asText());
    }

    private static String scriptValue(String script, String name) {
        Matcher matcher = Pattern.compile("(?m)^" + name + "=\"([^\"]+)\"").matcher(script);
        assertTrue(matcher.find(), name + " in update-spec.sh");
        return matcher.group(1);
    }

    private static Set<String> actionsOf(Set<String> grants) {
        Set<String> actions = new TreeSet<>();
        grants.forEach(grant -> actions.add(grant.substring(0, grant.indexOf(' '))));
        return actions;
    }

    /** "sqs.method" and "ses.method" for every call on a variable named sqs or ses under {@code sources}. */
    private static Set<String> calls(Path sources) throws IOException {
        Set<String> calls = new TreeSet<>();
        Pattern call = Pattern.compile("\\b(sqs|ses)\\s*\\.\\s*([a-zA-Z]+)\\s*\\(");
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : files.filter(path -> path.toString().endsWith(".java")).toList()) {
                Matcher matcher = call.matcher(Files.readString(file));
                while (matcher.find()) {
                    calls.add(matcher.group(1) + "." + matcher.group(2));
                }
            }
        }
        return calls;
    }
}
