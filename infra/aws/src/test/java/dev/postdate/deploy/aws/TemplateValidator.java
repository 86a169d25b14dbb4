package dev.postdate.deploy.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a CloudFormation template offline against the resource specification: the template's
 * sections, parameters (type, Default within AllowedValues, AllowedPattern and bounds), resource
 * types, resource attributes (DependsOn, Condition, DeletionPolicy, UpdateReplacePolicy),
 * properties (unknown, missing required, wrong primitive, a list where a single value belongs and
 * the reverse, also where an intrinsic function decides it), every Ref, Fn::GetAtt attribute,
 * Fn::Sub variable, Fn::If condition and Fn::FindInMap mapping, and the IAM policy documents of
 * managed policies, role trust policies, queue and topic policies (PolicyDocuments).
 * It does not know what AWS checks only at deployment: allowed values, patterns and lengths the
 * specification does not carry, rules between properties, quotas, whether outside resources
 * (subnets, the OIDC provider, SES identities) exist.
 */
final class TemplateValidator {

    private static final Set<String> TEMPLATE_KEYS = Set.of("AWSTemplateFormatVersion", "Description",
            "Metadata", "Parameters", "Mappings", "Conditions", "Transform", "Resources", "Outputs", "Rules");
    private static final Set<String> RESOURCE_KEYS = Set.of("Type", "Properties", "DependsOn", "Condition",
            "DeletionPolicy", "UpdateReplacePolicy", "Metadata", "CreationPolicy", "UpdatePolicy");
    private static final Set<String> DELETION_POLICIES = Set.of("Delete", "Retain", "RetainExceptOnCreate", "Snapshot");
    private static final Set<String> UPDATE_REPLACE_POLICIES = Set.of("Delete", "Retain", "Snapshot");
    private static final Set<String> PARAMETER_KEYS = Set.of("Type", "Default", "Description", "AllowedValues",
            "AllowedPattern", "MinLength", "MaxLength", "MinValue", "MaxValue", "NoEcho", "ConstraintDescription");
    private static final Set<String> OUTPUT_KEYS = Set.of("Description", "Value", "Export", "Condition");
    private static final Set<String> PSEUDO_PARAMETERS = Set.of("AWS::AccountId", "AWS::NotificationARNs",
            "AWS::NoValue", "AWS::Partition", "AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix");
    private static final String AWS_PARAMETER_TYPE = "AWS::(EC2::(AvailabilityZone::Name|Image::Id|Instance::Id"
            + "|KeyPair::KeyName|SecurityGroup::GroupName|SecurityGroup::Id|Subnet::Id|Volume::Id|VPC::Id)"
            + "|Route53::HostedZone::Id)";
    private static final Pattern PARAMETER_TYPE = Pattern.compile("String|Number|List<Number>|CommaDelimitedList|"
            + AWS_PARAMETER_TYPE + "|List<" + AWS_PARAMETER_TYPE + ">|AWS::SSM::Parameter::Name"
            + "|AWS::SSM::Parameter::Value<.+>");
    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}]*)}");
    /** Where IAM policies live in the resource types Postdate uses, and what kind each is. */
    private static final Map<String, Map<String, PolicyDocuments.Kind>> POLICIES = Map.of(
            "AWS::IAM::ManagedPolicy", Map.of("PolicyDocument", PolicyDocuments.Kind.IDENTITY),
            "AWS::IAM::Role", Map.of("AssumeRolePolicyDocument", PolicyDocuments.Kind.TRUST),
            "AWS::SQS::QueuePolicy", Map.of("PolicyDocument", PolicyDocuments.Kind.RESOURCE),
            "AWS::SNS::TopicPolicy", Map.of("PolicyDocument", PolicyDocuments.Kind.RESOURCE));

    /** What an intrinsic function evaluates to, as far as the template alone tells. */
    private enum Shape { SINGLE, LIST, NO_VALUE, UNKNOWN }

    private final CfnSpec spec;

    TemplateValidator(CfnSpec spec) {
        this.spec = spec;
    }

    /** Every problem found, each as "path: what is wrong"; empty for a template that passes. */
    List<String> validate(JsonNode template) {
        return new Run(template).problems;
    }

    private final class Run {

        private final JsonNode parameters;
        private final JsonNode resources;
        private final JsonNode conditions;
        private final JsonNode mappings;
        private final List<String> problems = new ArrayList<>();

        Run(JsonNode template) {
            parameters = template.path("Parameters");
            resources = template.path("Resources");
            conditions = template.path("Conditions");
            mappings = template.path("Mappings");
            if (!template.isObject()) {
                problem("template", "a template is a map");
                return;
            }
            unknownKeys("template", template, TEMPLATE_KEYS, "template section");
            if (!resources.isObject() || resources.isEmpty()) {
                problem("Resources", "a template needs at least one resource");
            }
            parameters.properties().forEach(e -> parameter("Parameters." + e.getKey(), e.getValue()));
            conditions.properties().forEach(e -> functions("Conditions." + e.getKey(), e.getValue(), true));
            resources.properties().forEach(e -> resource(e.getKey(), e.getValue()));
            template.path("Outputs").properties().forEach(e -> output("Outputs." + e.getKey(), e.getValue()));
        }

        private void problem(String path, String what) {
            problems.add(path + ": " + what);
        }

        private void unknownKeys(String path, JsonNode node, Set<String> known, String what) {
            node.fieldNames().forEachRemaining(key -> {
                if (!known.contains(key)) {
                    problem(path, "unknown " + what + " " + key);
                }
            });
        }

        private void parameter(String path, JsonNode parameter) {
            unknownKeys(path, parameter, PARAMETER_KEYS, "parameter attribute");
            String type = parameter.path("Type").asText(null);
            if (type == null) {
                problem(path, "a parameter needs a Type");
            } else if (!PARAMETER_TYPE.matcher(type).matches()) {
                problem(path, "unknown parameter type " + type);
            }
            JsonNode defaultValue = parameter.get("Default");
            if (defaultValue == null) {
                return;
            }
            String text = defaultValue.asText();
            JsonNode allowed = parameter.get("AllowedValues");
            if (allowed != null && allowed.valueStream().noneMatch(value -> value.asText().equals(text))) {
                problem(path, "Default " + text + " is not among AllowedValues " + allowed);
            }
            JsonNode pattern = parameter.get("AllowedPattern");
            if (pattern != null && !Pattern.compile(pattern.asText()).matcher(text).matches()) {
                problem(path, "Default " + text + " does not match AllowedPattern " + pattern.asText());
            }
            if ("Number".equals(type)) {
                double number;
                try {
                    number = Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    problem(path, "Default " + text + " is not a number");
                    return;
                }
                if (parameter.has("MinValue") && number < parameter.get("MinValue").asDouble()
                        || parameter.has("MaxValue") && number > parameter.get("MaxValue").asDouble()) {
                    problem(path, "Default " + text + " is outside MinValue..MaxValue");
                }
            }
        }

        private void resource(String name, JsonNode resource) {
            String path = "Resources." + name;
            if (!resource.isObject()) {
                problem(path, "a resource is a map");
                return;
            }
            unknownKeys(path, resource, RESOURCE_KEYS, "resource attribute");
            JsonNode dependsOn = resource.path("DependsOn");
            for (JsonNode target : dependsOn.isArray() ? dependsOn : List.of(dependsOn)) {
                if (!target.isMissingNode() && !resources.has(target.asText())) {
                    problem(path + ".DependsOn", "unknown resource " + target.asText());
                }
            }
            JsonNode condition = resource.get("Condition");
            if (condition != null && !conditions.has(condition.asText())) {
                problem(path + ".Condition", "unknown condition " + condition.asText());
            }
            oneOf(path + ".DeletionPolicy", resource.get("DeletionPolicy"), DELETION_POLICIES);
            oneOf(path + ".UpdateReplacePolicy", resource.get("UpdateReplacePolicy"), UPDATE_REPLACE_POLICIES);
            JsonNode properties = resource.path("Properties");
            String type = resource.path("Type").asText(null);
            if (type == null) {
                problem(path, "a resource needs a Type");
            } else {
                Optional<JsonNode> definition = spec.resourceType(type);
                if (definition.isEmpty()) {
                    problem(path, "unknown resource type " + type + " (not in the resource specification "
                            + spec.version() + "; infra/aws/update-spec.sh adds the template's types)");
                } else {
                    properties(path + ".Properties", properties, definition.get().path("Properties"), type, type);
                    policies(path + ".Properties", type, properties);
                }
            }
            functions(path + ".Properties", properties, false);
        }

        private void oneOf(String path, JsonNode value, Set<String> allowed) {
            if (value != null && !allowed.contains(value.asText())) {
                problem(path, value.asText() + " is not one of " + new TreeSet<>(allowed));
            }
        }

        private void properties(String path, JsonNode node, JsonNode definitions, String owner, String typeName) {
            JsonNode values = node.isMissingNode() ? JsonNodeFactory.instance.objectNode() : node;
            if (!values.isObject()) {
                problem(path, typeName + " expects a map of properties, not " + describe(values));
                return;
            }
            values.properties().forEach(e -> {
                JsonNode definition = definitions.get(e.getKey());
                if (definition == null) {
                    problem(path + "." + e.getKey(), "unknown property " + e.getKey() + " of " + typeName);
                } else {
                    value(path + "." + e.getKey(), e.getValue(), CfnSpec.ValueType.of(definition, owner));
                }
            });
            definitions.properties().forEach(e -> {
                if (e.getValue().path("Required").asBoolean(false) && !values.has(e.getKey())) {
                    problem(path, "missing required property " + e.getKey() + " of " + typeName);
                }
            });
        }

        private void value(String path, JsonNode value, CfnSpec.ValueType type) {
            if (Intrinsics.isFunction(value)) {
                functionValue(path, value, type);
            } else if ("List".equals(type.container())) {
                if (!value.isArray()) {
                    problem(path, "expects a " + type.describe() + ", not " + describe(value));
                    return;
                }
                for (int i = 0; i < value.size(); i++) {
                    value(path + "[" + i + "]", value.get(i), type.item());
                }
            } else if ("Map".equals(type.container())) {
                if (!value.isObject()) {
                    problem(path, "expects a " + type.describe() + ", not " + describe(value));
                    return;
                }
                value.properties().forEach(e -> value(path + "." + e.getKey(), e.getValue(), type.item()));
            } else if (type.primitive() != null) {
                primitive(path, value, type.primitive());
            } else {
                Optional<JsonNode> propertyType = spec.propertyType(type.owner(), type.typeName());
                if (propertyType.isEmpty()) {
                    problem(path, "property type " + type.typeName() + " of " + type.owner()
                            + " is missing from the spec subset (run infra/aws/update-spec.sh)");
                } else {
                    properties(path, value, propertyType.get().path("Properties"), type.owner(), type.typeName());
                }
            }
        }

        /** A function's result is typed where the function decides it: a list, or a single value. */
        private void functionValue(String path, JsonNode function, CfnSpec.ValueType type) {
            if (Intrinsics.is(function, "Fn::If")) {
                if (function.get("Fn::If").size() == 3) {
                    Intrinsics.branches(function).forEach(branch -> value(path, branch, type));
                }
                return;
            }
            Shape shape = shape(function);
            String name = Intrinsics.name(function);
            boolean listExpected = "List".equals(type.container());
            boolean mapExpected = "Map".equals(type.container())
                    || type.container() == null && type.primitive() == null;
            if (shape == Shape.LIST && !listExpected) {
                problem(path, name + " gives a list; expected a " + type.describe());
            } else if (shape == Shape.SINGLE && (listExpected || mapExpected)) {
                problem(path, name + " gives a single value; expected a " + type.describe());
            }
        }

        private Shape shape(JsonNode function) {
            String name = Intrinsics.name(function);
            JsonNode argument = function.get(name);
            return switch (name) {
                case "Ref" -> {
                    String target = argument.asText();
                    if (target.equals("AWS::NoValue")) {
                        yield Shape.NO_VALUE;
                    } else if (target.equals("AWS::NotificationARNs")) {
                        yield Shape.LIST;
                    } else if (parameters.has(target)) {
                        String parameterType = parameters.get(target).path("Type").asText();
                        yield parameterType.startsWith("List<") || parameterType.equals("CommaDelimitedList")
                                ? Shape.LIST : Shape.SINGLE;
                    }
                    yield resources.has(target) || PSEUDO_PARAMETERS.contains(target) ? Shape.SINGLE : Shape.UNKNOWN;
                }
                case "Fn::GetAtt" -> attributeOf(argument)
                        .map(attribute -> "List".equals(attribute.path("Type").asText()) ? Shape.LIST : Shape.SINGLE)
                        .orElse(Shape.UNKNOWN);
                case "Fn::Sub", "Fn::Join", "Fn::Base64" -> Shape.SINGLE;
                case "Fn::Split", "Fn::GetAZs", "Fn::Cidr" -> Shape.LIST;
                default -> Shape.UNKNOWN;
            };
        }

        private Optional<JsonNode> attributeOf(JsonNode getAttArgument) {
            String[] target = getAttTarget(getAttArgument);
            if (target == null || !resources.has(target[0])) {
                return Optional.empty();
            }
            return spec.attribute(resources.get(target[0]).path("Type").asText(), target[1]);
        }

        private static String[] getAttTarget(JsonNode argument) {
            if (argument.isTextual() && argument.asText().contains(".")) {
                String text = argument.asText();
                int dot = text.indexOf('.');
                return new String[] {text.substring(0, dot), text.substring(dot + 1)};
            }
            if (argument.isArray() && argument.size() == 2 && argument.get(0).isTextual() && argument.get(1).isTextual()) {
                return new String[] {argument.get(0).asText(), argument.get(1).asText()};
            }
            return null;
        }

        private void primitive(String path, JsonNode value, String primitive) {
            boolean fits = switch (primitive) {
                case "String" -> value.isValueNode() && !value.isNull();
                case "Integer", "Long" -> value.isIntegralNumber()
                        || value.isTextual() && value.asText().matches("-?[0-9]+");
                case "Double" -> value.isNumber()
                        || value.isTextual() && value.asText().matches("-?[0-9]+(\\.[0-9]+)?");
                case "Boolean" -> value.isBoolean()
                        || value.isTextual() && value.asText().matches("(?i)true|false");
                case "Timestamp" -> value.isTextual();
                case "Json" -> value.isObject() || value.isTextual();
                default -> true;
            };
            if (!fits) {
                problem(path, "expects " + primitive + ", not " + describe(value));
            }
        }

        private void policies(String path, String type, JsonNode properties) {
            POLICIES.getOrDefault(type, Map.of()).forEach((property, kind) -> {
                JsonNode document = properties.get(property);
                if (document != null) {
                    PolicyDocuments.check(path + "." + property, document, kind, problems);
                }
            });
        }

        private void output(String path, JsonNode output) {
            unknownKeys(path, output, OUTPUT_KEYS, "output attribute");
            if (!output.has("Value")) {
                problem(path, "an output needs a Value");
            }
            JsonNode condition = output.get("Condition");
            if (condition != null && !conditions.has(condition.asText())) {
                problem(path + ".Condition", "unknown condition " + condition.asText());
            }
            functions(path, output, false);
        }

        /** Checks every intrinsic function under {@code node}: its arguments and what it names. */
        private void functions(String path, JsonNode node, boolean inConditions) {
            if (node.isArray()) {
                for (int i = 0; i < node.size(); i++) {
                    functions(path + "[" + i + "]", node.get(i), inConditions);
                }
            } else if (Intrinsics.isFunction(node)) {
                function(path, Intrinsics.name(node), node.get(Intrinsics.name(node)), inConditions);
            } else if (inConditions && node.isObject() && node.size() == 1 && node.has("Condition")) {
                if (!conditions.has(node.get("Condition").asText())) {
                    problem(path, "unknown condition " + node.get("Condition").asText());
                }
            } else if (node.isObject()) {
                node.properties().forEach(e -> functions(path + "." + e.getKey(), e.getValue(), inConditions));
            }
        }

        private void function(String path, String name, JsonNode argument, boolean inConditions) {
            String at = path + "." + name;
            switch (name) {
                case "Ref" -> {
                    if (!argument.isTextual()) {
                        problem(at, "Ref takes a name");
                    } else if (!names(argument.asText())) {
                        problem(at, "Ref to unknown parameter or resource " + argument.asText());
                    }
                }
                case "Fn::GetAtt" -> {
                    String[] target = getAttTarget(argument);
                    if (target == null) {
                        problem(at, "Fn::GetAtt takes [resource, attribute] or \"resource.attribute\"");
                    } else {
                        getAtt(at, target[0], target[1]);
                    }
                }
                case "Fn::Sub" -> sub(at, argument, inConditions);
                case "Fn::Join", "Fn::Split" -> {
                    if (arguments(at, name, argument, 2) && !argument.get(0).isTextual()) {
                        problem(at, name + " takes a literal delimiter");
                    }
                    functions(at, argument, inConditions);
                }
                case "Fn::Select", "Fn::Equals" -> {
                    arguments(at, name, argument, 2);
                    functions(at, argument, inConditions);
                }
                case "Fn::If" -> {
                    if (arguments(at, name, argument, 3) && !conditions.has(argument.get(0).asText())) {
                        problem(at, "unknown condition " + argument.get(0).asText());
                    }
                    functions(at, argument, inConditions);
                }
                case "Fn::FindInMap" -> {
                    if (arguments(at, name, argument, 3) && argument.get(0).isTextual()
                            && !mappings.has(argument.get(0).asText())) {
                        problem(at, "unknown mapping " + argument.get(0).asText());
                    }
                    functions(at, argument, inConditions);
                }
                case "Fn::Cidr" -> {
                    arguments(at, name, argument, 3);
                    functions(at, argument, inConditions);
                }
                case "Fn::Not" -> {
                    arguments(at, name, argument, 1);
                    functions(at, argument, true);
                }
                case "Fn::And", "Fn::Or" -> {
                    if (!argument.isArray() || argument.size() < 2 || argument.size() > 10) {
                        problem(at, name + " takes 2 to 10 conditions");
                    }
                    functions(at, argument, true);
                }
                case "Fn::Base64", "Fn::GetAZs", "Fn::ImportValue" -> functions(at, argument, inConditions);
                default -> problem(at, "unknown intrinsic function " + name);
            }
        }

        private boolean arguments(String path, String name, JsonNode argument, int count) {
            if (argument.isArray() && argument.size() == count) {
                return true;
            }
            problem(path, name + " takes a list of " + count);
            return false;
        }

        private void sub(String path, JsonNode argument, boolean inConditions) {
            String text;
            JsonNode variables = JsonNodeFactory.instance.objectNode();
            if (argument.isTextual()) {
                text = argument.asText();
            } else if (argument.isArray() && argument.size() == 2 && argument.get(0).isTextual()
                    && argument.get(1).isObject()) {
                text = argument.get(0).asText();
                variables = argument.get(1);
                functions(path, variables, inConditions);
            } else {
                problem(path, "Fn::Sub takes a string or [string, {variables}]");
                return;
            }
            Matcher matcher = SUB_VARIABLE.matcher(text);
            while (matcher.find()) {
                String variable = matcher.group(1);
                if (variable.startsWith("!") || variables.has(variable)) {
                    continue;
                }
                int dot = variable.indexOf('.');
                if (dot > 0 && !PSEUDO_PARAMETERS.contains(variable)) {
                    getAtt(path, variable.substring(0, dot), variable.substring(dot + 1));
                } else if (!names(variable)) {
                    problem(path, "${" + variable + "} names no parameter, resource or Fn::Sub variable");
                }
            }
        }

        private void getAtt(String path, String resource, String attribute) {
            JsonNode target = resources.get(resource);
            if (target == null) {
                problem(path, "Fn::GetAtt on unknown resource " + resource);
                return;
            }
            String type = target.path("Type").asText();
            Optional<JsonNode> definition = spec.resourceType(type);
            if (definition.isPresent() && spec.attribute(type, attribute).isEmpty()) {
                List<String> known = new ArrayList<>();
                definition.get().path("Attributes").fieldNames().forEachRemaining(known::add);
                problem(path, type + " has no attribute " + attribute + " (it has " + known + ")");
            }
        }

        private boolean names(String name) {
            return parameters.has(name) || resources.has(name) || PSEUDO_PARAMETERS.contains(name);
        }

        private static String describe(JsonNode value) {
            if (value.isArray()) {
                return "a list";
            }
            if (value.isObject()) {
                return "a map";
            }
            if (value.isTextual()) {
                return "the string \"" + value.asText() + "\"";
            }
            if (value.isNull()) {
                return "null";
            }
            return (value.isBoolean() ? "the boolean " : "the number ") + value.asText();
        }
    }
}
