package dev.postdate.deploy.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The checks can fail: each case breaks one thing (or a few) in a copy of the real template and
 * expects exactly those problems, at their paths, in any order.
 */
class TemplateValidatorTest {

    private final TemplateValidator validator = new TemplateValidator(Templates.spec());

    @Test
    void unknownResourceType() {
        assertOnly(t -> resource(t, "IntakeQueue").put("Type", "AWS::SQS::Queues"),
                "Resources.IntakeQueue: unknown resource type AWS::SQS::Queues (not in the resource specification 117.0.0;"
                        + " infra/aws/update-spec.sh adds the template's types)");
    }

    @Test
    void unknownProperty() {
        assertOnly(t -> properties(t, "IntakeQueue").put("VisibilityTimeOut", 60),
                "Resources.IntakeQueue.Properties.VisibilityTimeOut: unknown property VisibilityTimeOut of AWS::SQS::Queue");
    }

    @Test
    void unknownAndMissingPropertyInsideAPropertyType() {
        assertOnly(t -> {
                    ObjectNode sns = (ObjectNode) properties(t, "FeedbackEventDestination").get("EventDestination").get("SnsDestination");
                    sns.set("TopicArn", sns.remove("TopicARN"));
                },
                "Resources.FeedbackEventDestination.Properties.EventDestination.SnsDestination.TopicArn: unknown property TopicArn of SnsDestination",
                "Resources.FeedbackEventDestination.Properties.EventDestination.SnsDestination: missing required property TopicARN of SnsDestination");
    }

    @Test
    void unknownDeletionPolicy() {
        assertOnly(t -> resource(t, "IntakeQueue").put("DeletionPolicy", "Keep"),
                "Resources.IntakeQueue.DeletionPolicy: Keep is not one of [Delete, Retain, RetainExceptOnCreate, Snapshot]");
    }

    @Test
    void missingRequiredProperty() {
        assertOnly(t -> properties(t, "RedisReplicationGroup").remove("ReplicationGroupDescription"),
                "Resources.RedisReplicationGroup.Properties: missing required property ReplicationGroupDescription of AWS::ElastiCache::ReplicationGroup");
    }

    @Test
    void wrongPrimitiveTypes() {
        assertOnly(t -> {
                    properties(t, "IntakeQueue").put("VisibilityTimeout", "sixty");
                    properties(t, "RangesQueue").put("SqsManagedSseEnabled", "yes");
                    properties(t, "RedisReplicationGroup").putArray("Engine").add("redis");
                },
                "Resources.IntakeQueue.Properties.VisibilityTimeout: expects Integer, not the string \"sixty\"",
                "Resources.RangesQueue.Properties.SqsManagedSseEnabled: expects Boolean, not the string \"yes\"",
                "Resources.RedisReplicationGroup.Properties.Engine: expects String, not a list");
    }

    @Test
    void singleValueWhereAListBelongsAndTheReverse() {
        assertOnly(t -> {
                    ((ObjectNode) properties(t, "FeedbackEventDestination").get("EventDestination")).put("MatchingEventTypes", "bounce");
                    properties(t, "IntakeQueue").set("QueueName", ref("RedisSubnetIds"));
                },
                "Resources.FeedbackEventDestination.Properties.EventDestination.MatchingEventTypes: expects a List of String, not the string \"bounce\"",
                "Resources.IntakeQueue.Properties.QueueName: Ref gives a list; expected a String");
    }

    @Test
    void refToNothing() {
        assertOnly(t -> properties(t, "FeedbackEventDestination").set("ConfigurationSetName", ref("ConfigSet")),
                "Resources.FeedbackEventDestination.Properties.ConfigurationSetName.Ref: Ref to unknown parameter or resource ConfigSet");
    }

    @Test
    void getAttOfUnknownResourceOrAttribute() {
        assertOnly(t -> {
                    ((ObjectNode) t.get("Outputs").get("IntakeQueueName")).set("Value", getAtt("IntakeQueue", "Url"));
                    ((ObjectNode) t.get("Outputs").get("RedisPort")).set("Value", getAtt("Redis", "PrimaryEndPoint.Port"));
                },
                "Outputs.IntakeQueueName.Value.Fn::GetAtt: AWS::SQS::Queue has no attribute Url (it has [Arn, QueueName, QueueUrl])",
                "Outputs.RedisPort.Value.Fn::GetAtt: Fn::GetAtt on unknown resource Redis");
    }

    @Test
    void subVariableNamingNothing() {
        assertOnly(t -> properties(t, "IntakeQueue").set("QueueName", sub("postdate-${Environment}-intake")),
                "Resources.IntakeQueue.Properties.QueueName.Fn::Sub: ${Environment} names no parameter, resource or Fn::Sub variable");
    }

    @Test
    void unknownConditionAndDependsOnTarget() {
        assertOnly(t -> {
                    ((ArrayNode) properties(t, "ApiRole").get("ManagedPolicyArns").get(1).get("Fn::If")).set(0, "OperatorApi");
                    resource(t, "FeedbackSubscription").put("DependsOn", "FeedbackPolicy");
                },
                "Resources.ApiRole.Properties.ManagedPolicyArns[1].Fn::If: unknown condition OperatorApi",
                "Resources.FeedbackSubscription.DependsOn: unknown resource FeedbackPolicy");
    }

    @Test
    void wildcardsAndBatchActionNamesInAPolicy() {
        assertOnly(t -> {
                    ObjectNode statement = (ObjectNode) statements(t, "CampaignExpanderPolicy").get(0);
                    statement.putArray("Action").add("sqs:*").add("sqs:DeleteMessageBatch");
                    statement.put("Resource", "*");
                },
                "Resources.CampaignExpanderPolicy.Properties.PolicyDocument.Statement[0]: wildcard action sqs:*",
                "Resources.CampaignExpanderPolicy.Properties.PolicyDocument.Statement[0]: sqs:DeleteMessageBatch is no IAM action; SQS authorizes it as sqs:DeleteMessage",
                "Resources.CampaignExpanderPolicy.Properties.PolicyDocument.Statement[0]: wildcard resource * (no Postdate call needs one)");
    }

    @Test
    void malformedPolicyDocuments() {
        assertOnly(t -> {
                    ((ObjectNode) properties(t, "RangerPolicy").get("PolicyDocument")).remove("Version");
                    ((ObjectNode) statements(t, "WorkerPolicy").get(1)).remove("Resource");
                    ((ObjectNode) statements(t, "FeedbackQueuePolicy").get(0)).remove("Principal");
                },
                "Resources.RangerPolicy.Properties.PolicyDocument: Version must be \"2012-10-17\" (older versions do not expand policy variables)",
                "Resources.WorkerPolicy.Properties.PolicyDocument.Statement[1]: statement has no Resource",
                "Resources.FeedbackQueuePolicy.Properties.PolicyDocument.Statement[0]: a resource policy statement needs a Principal");
    }

    @Test
    void trustPolicyThatIsNotJson() {
        assertOnly(t -> {
                    ArrayNode sub = (ArrayNode) properties(t, "WorkerRole").get("AssumeRolePolicyDocument").get("Fn::Sub");
                    sub.set(0, sub.get(0).asText().replace("\"Action\":", "\"Action\""));
                },
                "Resources.WorkerRole.Properties.AssumeRolePolicyDocument: Fn::Sub is not a JSON policy document: "
                        + "Unexpected character ('\"' (code 34)): was expecting a colon to separate field name and value");
    }

    @Test
    void parameterTypeAndDefaultOutsideItsAllowedValues() {
        assertOnly(t -> {
                    ((ObjectNode) t.get("Parameters").get("ApiOperatorApi")).put("Default", "on");
                    ((ObjectNode) t.get("Parameters").get("RedisSubnetIds")).put("Type", "List<AWS::EC2::Subnet>");
                },
                "Parameters.ApiOperatorApi: Default on is not among AllowedValues [\"enabled\",\"disabled\"]",
                "Parameters.RedisSubnetIds: unknown parameter type List<AWS::EC2::Subnet>");
    }

    @Test
    void componentPoliciesCatchASharedPolicyAndAnExtraGrant() {
        JsonNode template = Templates.template().deepCopy();
        ((ArrayNode) properties(template, "RangerRole").get("ManagedPolicyArns")).set(0, ref("CampaignExpanderPolicy"));
        ((ArrayNode) statements(template, "WorkerPolicy").get(0).get("Action")).add("sqs:PurgeQueue");

        List<String> problems = ComponentPolicies.check(template);
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("CampaignExpanderPolicy is shared by ")), problems.toString());
        assertTrue(problems.contains("worker (WorkerPolicy) grants more than its code needs: [sqs:PurgeQueue on RangesQueue]"),
                problems.toString());
    }

    @Test
    void componentPoliciesCatchARoleTrustingAnotherOrAPatternOfServiceAccounts() {
        JsonNode template = Templates.template().deepCopy();
        ArrayNode janitorTrust = (ArrayNode) properties(template, "JanitorRole").get("AssumeRolePolicyDocument").get("Fn::Sub");
        janitorTrust.set(0, janitorTrust.get(0).asText().replace(":postdate-janitor", ":postdate-api"));
        ArrayNode workerTrust = (ArrayNode) properties(template, "WorkerRole").get("AssumeRolePolicyDocument").get("Fn::Sub");
        workerTrust.set(0, workerTrust.get(0).asText().replace("StringEquals", "StringLike"));

        List<String> problems = ComponentPolicies.check(template);
        assertTrue(problems.contains("api: expected one role trusting service account postdate-api, found [ApiRole, JanitorRole]"),
                problems.toString());
        assertTrue(problems.contains("janitor: expected one role trusting service account postdate-janitor, found []"),
                problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("WorkerRole: trust is not exactly one service account")),
                problems.toString());
    }

    @Test
    void aKeyGivenTwiceIsRefused() {
        assertThrows(IOException.class, () -> Templates.parseYaml("Resources:\n  A: {}\n  A: {}\n"));
    }

    private void assertOnly(Consumer<ObjectNode> breakIt, String... expected) {
        ObjectNode template = Templates.template().deepCopy();
        breakIt.accept(template);
        assertEquals(Stream.of(expected).sorted().toList(), validator.validate(template).stream().sorted().toList());
    }

    private static ObjectNode resource(JsonNode template, String name) {
        return (ObjectNode) template.get("Resources").get(name);
    }

    private static ObjectNode properties(JsonNode template, String resource) {
        return (ObjectNode) resource(template, resource).get("Properties");
    }

    private static ArrayNode statements(JsonNode template, String resource) {
        return (ArrayNode) properties(template, resource).get("PolicyDocument").get("Statement");
    }

    private static ObjectNode ref(String name) {
        return Templates.JSON.createObjectNode().put("Ref", name);
    }

    private static ObjectNode sub(String text) {
        return Templates.JSON.createObjectNode().put("Fn::Sub", text);
    }

    private static ObjectNode getAtt(String resource, String attribute) {
        ObjectNode node = Templates.JSON.createObjectNode();
        node.putArray("Fn::GetAtt").add(resource).add(attribute);
        return node;
    }
}
