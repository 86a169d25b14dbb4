package dev.postdate.deploy.aws;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What each component may do on AWS, read from its code, and the check that the template grants
 * exactly that: one role per component, trusted by its service account only, with a managed policy
 * of its own. Grants are "action on resource", a queue by its logical id.
 * <p>
 * Core's SqsHealthIndicator resolves only the queues a component uses (postdate.sqs.health-queues).
 * SQS's batch calls are authorized by the single-message actions. A component without AWS calls
 * (the janitor) has a role and no policy.
 */
final class ComponentPolicies {

    private static final String CONFIGURATION_SET_ARN =
            "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:configuration-set/${ConfigurationSet}";

    /** The component (service account postdate-&lt;component&gt;) and the grants of its policy. */
    static final Map<String, Set<String>> EXPECTED = Map.of(
            // IntakePublisher.sendMessageBatch (intake), ResendRanges.sendMessage (in-doubt resend).
            "api", Set.of(
                    "sqs:GetQueueUrl on IntakeQueue", "sqs:SendMessage on IntakeQueue",
                    "sqs:GetQueueUrl on RangesQueue", "sqs:SendMessage on RangesQueue"),
            // IntakeQueue: receive, deleteMessageBatch, changeMessageVisibilityBatch, sendMessage to
            // the DLQ; DeadLetterGauge: getQueueAttributes of the DLQ.
            "ingest-consumer", Set.of(
                    "sqs:GetQueueUrl on IntakeQueue", "sqs:ReceiveMessage on IntakeQueue",
                    "sqs:DeleteMessage on IntakeQueue", "sqs:ChangeMessageVisibility on IntakeQueue",
                    "sqs:GetQueueUrl on IntakeDeadLetterQueue", "sqs:SendMessage on IntakeDeadLetterQueue",
                    "sqs:GetQueueAttributes on IntakeDeadLetterQueue"),
            // RangePublisher.sendMessageBatch.
            "ranger", Set.of(
                    "sqs:GetQueueUrl on RangesQueue", "sqs:SendMessage on RangesQueue"),
            // RangeQueue: receive, delete, changeMessageVisibility, sendMessage (requeue with delay,
            // dead-letter); DeadLetterGauge; SesSender.sendEmail with the configuration set.
            "worker", Set.of(
                    "sqs:GetQueueUrl on RangesQueue", "sqs:ReceiveMessage on RangesQueue",
                    "sqs:DeleteMessage on RangesQueue", "sqs:ChangeMessageVisibility on RangesQueue",
                    "sqs:SendMessage on RangesQueue",
                    "sqs:GetQueueUrl on RangesDeadLetterQueue", "sqs:SendMessage on RangesDeadLetterQueue",
                    "sqs:GetQueueAttributes on RangesDeadLetterQueue",
                    "ses:SendEmail on Ref SesIdentityArns", "ses:SendEmail on " + CONFIGURATION_SET_ARN),
            // IntakePublisher.sendMessageBatch, through ExpanderFactory.
            "campaign-expander", Set.of(
                    "sqs:GetQueueUrl on IntakeQueue", "sqs:SendMessage on IntakeQueue"),
            // No AWS call of its own: ClickHouse and Redis only.
            "janitor", Set.of(),
            // FeedbackQueue and TrackingQueue, core MessageQueues: receive, delete, changeMessageVisibility
            // (look again later); no send to their DLQs, which the queues' redrive policies fill.
            "feedback-consumer", Set.of(
                    "sqs:GetQueueUrl on FeedbackQueue", "sqs:ReceiveMessage on FeedbackQueue",
                    "sqs:DeleteMessage on FeedbackQueue", "sqs:ChangeMessageVisibility on FeedbackQueue",
                    "sqs:GetQueueUrl on TrackingQueue", "sqs:ReceiveMessage on TrackingQueue",
                    "sqs:DeleteMessage on TrackingQueue", "sqs:ChangeMessageVisibility on TrackingQueue"),
            // TrackingEventPublisher.sendMessage; SnsController forwards verified SNS notifications.
            "tracker", Set.of(
                    "sqs:GetQueueUrl on TrackingQueue", "sqs:SendMessage on TrackingQueue",
                    "sqs:GetQueueUrl on FeedbackQueue", "sqs:SendMessage on FeedbackQueue"));

    /** core's DeadLetters behind ./postdate dlq and the api's operator API: look, reveal, redrive. */
    static final Set<String> DEAD_LETTER_OPERATOR = Set.of(
            "sqs:GetQueueUrl on IntakeDeadLetterQueue", "sqs:ReceiveMessage on IntakeDeadLetterQueue",
            "sqs:ChangeMessageVisibility on IntakeDeadLetterQueue", "sqs:DeleteMessage on IntakeDeadLetterQueue",
            "sqs:GetQueueUrl on RangesDeadLetterQueue", "sqs:ReceiveMessage on RangesDeadLetterQueue",
            "sqs:ChangeMessageVisibility on RangesDeadLetterQueue", "sqs:DeleteMessage on RangesDeadLetterQueue",
            "sqs:GetQueueUrl on FeedbackDeadLetterQueue", "sqs:ReceiveMessage on FeedbackDeadLetterQueue",
            "sqs:ChangeMessageVisibility on FeedbackDeadLetterQueue", "sqs:DeleteMessage on FeedbackDeadLetterQueue",
            "sqs:GetQueueUrl on TrackingDeadLetterQueue", "sqs:ReceiveMessage on TrackingDeadLetterQueue",
            "sqs:ChangeMessageVisibility on TrackingDeadLetterQueue", "sqs:DeleteMessage on TrackingDeadLetterQueue",
            "sqs:GetQueueUrl on IntakeQueue", "sqs:SendMessage on IntakeQueue",
            "sqs:GetQueueUrl on RangesQueue", "sqs:SendMessage on RangesQueue",
            "sqs:GetQueueUrl on FeedbackQueue", "sqs:SendMessage on FeedbackQueue",
            "sqs:GetQueueUrl on TrackingQueue", "sqs:SendMessage on TrackingQueue");

    private static final Pattern SUBJECT =
            Pattern.compile("system:serviceaccount:\\{\\{KubernetesNamespace}}:postdate-([a-z-]+)");
    private static final JsonNode ISSUER = parse(
            "{\"Fn::Select\": [1, {\"Fn::Split\": [\"oidc-provider/\", {\"Ref\": \"EksOidcProviderArn\"}]}]}");

    private ComponentPolicies() {
    }

    /** Every difference between the template's roles and policies and the expectation above. */
    static List<String> check(JsonNode template) {
        List<String> problems = new ArrayList<>();
        JsonNode resources = template.path("Resources");
        Map<String, List<String>> rolesByComponent = new HashMap<>();
        resources.properties().forEach(e -> {
            if ("AWS::IAM::Role".equals(e.getValue().path("Type").asText())) {
                String component = trustedServiceAccount(e.getKey(), e.getValue().path("Properties"), problems);
                rolesByComponent.computeIfAbsent(component, c -> new ArrayList<>()).add(e.getKey());
            }
        });
        rolesByComponent.forEach((component, roles) -> {
            if (component != null && !EXPECTED.containsKey(component)) {
                problems.add(roles + " trust service account postdate-" + component + ", which is no component");
            }
        });
        Map<String, String> policyOwners = new HashMap<>();
        for (Map.Entry<String, Set<String>> component : EXPECTED.entrySet()) {
            String name = component.getKey();
            List<String> roles = rolesByComponent.getOrDefault(name, List.of());
            if (roles.size() != 1) {
                problems.add(name + ": expected one role trusting service account postdate-" + name + ", found " + roles);
                continue;
            }
            String role = roles.getFirst();
            JsonNode properties = resources.get(role).path("Properties");
            if (properties.has("Policies")) {
                problems.add(role + ": inline Policies; a component's grants live in its own managed policy");
            }
            List<String> policies = new ArrayList<>();
            for (JsonNode arn : properties.path("ManagedPolicyArns")) {
                if (Intrinsics.is(arn, "Ref")) {
                    policies.add(arn.get("Ref").asText());
                } else if (!(name.equals("api") && isOperatorPolicyWhenEnabled(arn))) {
                    problems.add(role + ": unexpected managed policy " + arn);
                }
            }
            if (component.getValue().isEmpty()) {
                if (!policies.isEmpty()) {
                    problems.add(role + ": " + name + " makes no AWS call, yet has policies " + policies);
                }
                continue;
            }
            if (policies.size() != 1) {
                problems.add(role + ": expected exactly one managed policy of its own, found " + policies);
                continue;
            }
            String policy = policies.getFirst();
            String earlier = policyOwners.put(policy, name);
            if (earlier != null) {
                problems.add(policy + " is shared by " + earlier + " and " + name + "; each component has its own");
            }
            compare(name + " (" + policy + ")", grants(resources.path(policy)), component.getValue(), problems);
        }
        compare("DeadLetterOperatorPolicy", grants(resources.path("DeadLetterOperatorPolicy")),
                DEAD_LETTER_OPERATOR, problems);
        return problems;
    }

    /**
     * The component whose service account alone may assume the role: one statement, web identity
     * from the parameter's OIDC provider, StringEquals on subject and audience (StringLike would let
     * a pattern match other service accounts). Null, with the problems noted, for any other trust.
     */
    private static String trustedServiceAccount(String role, JsonNode properties, List<String> problems) {
        JsonNode trust = properties.path("AssumeRolePolicyDocument");
        JsonNode sub = trust.path("Fn::Sub");
        if (!sub.isArray() || !ISSUER.equals(sub.path(1).path("Issuer"))) {
            problems.add(role + ": the trust policy must be a Fn::Sub whose Issuer is taken from EksOidcProviderArn");
            return null;
        }
        JsonNode document;
        try {
            document = Templates.JSON.readTree(PolicyDocuments.placeholders(sub.path(0).asText()));
        } catch (IOException e) {
            problems.add(role + ": trust policy is not JSON");
            return null;
        }
        JsonNode statements = document.path("Statement");
        JsonNode statement = statements.path(0);
        JsonNode conditions = statement.path("Condition");
        JsonNode equals = conditions.path("StringEquals");
        Matcher subject = SUBJECT.matcher(equals.path("{{Issuer}}:sub").asText());
        if (statements.size() != 1 || conditions.size() != 1 || equals.size() != 2 || !subject.matches()
                || !"{{EksOidcProviderArn}}".equals(statement.path("Principal").path("Federated").asText())
                || !"sts:AssumeRoleWithWebIdentity".equals(statement.path("Action").asText())
                || !"sts.amazonaws.com".equals(equals.path("{{Issuer}}:aud").asText())) {
            problems.add(role + ": trust is not exactly one service account of the namespace through the cluster's OIDC provider: "
                    + document);
            return null;
        }
        return subject.group(1);
    }

    private static boolean isOperatorPolicyWhenEnabled(JsonNode arn) {
        return Intrinsics.is(arn, "Fn::If")
                && arn.get("Fn::If").path(0).asText().equals("ApiOperatorApiEnabled")
                && arn.get("Fn::If").path(1).path("Ref").asText().equals("DeadLetterOperatorPolicy")
                && Intrinsics.isNoValue(arn.get("Fn::If").path(2));
    }

    private static JsonNode parse(String json) {
        try {
            return Templates.JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void compare(String who, Set<String> actual, Set<String> expected, List<String> problems) {
        Set<String> extra = new TreeSet<>(actual);
        extra.removeAll(expected);
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(actual);
        if (!extra.isEmpty()) {
            problems.add(who + " grants more than its code needs: " + extra);
        }
        if (!missing.isEmpty()) {
            problems.add(who + " lacks what its code calls: " + missing);
        }
    }

    /** "action on resource" for every Allow statement of a managed policy, a queue named by its logical id. */
    private static Set<String> grants(JsonNode policy) {
        Set<String> grants = new TreeSet<>();
        for (JsonNode statement : policy.path("Properties").path("PolicyDocument").path("Statement")) {
            if (!"Allow".equals(statement.path("Effect").asText())) {
                continue;
            }
            for (JsonNode action : list(statement.path("Action"))) {
                for (JsonNode resource : list(statement.path("Resource"))) {
                    grants.add(action.asText() + " on " + resourceName(resource));
                }
            }
        }
        return grants;
    }

    private static String resourceName(JsonNode resource) {
        if (Intrinsics.is(resource, "Fn::GetAtt") && resource.get("Fn::GetAtt").path(1).asText().equals("Arn")) {
            return resource.get("Fn::GetAtt").path(0).asText();
        }
        if (Intrinsics.is(resource, "Ref")) {
            return "Ref " + resource.get("Ref").asText();
        }
        if (Intrinsics.is(resource, "Fn::Sub") && resource.get("Fn::Sub").isTextual()) {
            return resource.get("Fn::Sub").asText();
        }
        return resource.toString();
    }

    private static List<JsonNode> list(JsonNode node) {
        List<JsonNode> values = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(values::add);
        } else if (!node.isMissingNode()) {
            values.add(node);
        }
        return values;
    }
}
