package dev.postdate.deploy.aws;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/** Recognizes CloudFormation intrinsic functions in their long form: a map with one key, Ref or Fn::*. */
final class Intrinsics {

    private Intrinsics() {
    }

    static boolean isFunction(JsonNode node) {
        if (node == null || !node.isObject() || node.size() != 1) {
            return false;
        }
        String name = node.fieldNames().next();
        return name.equals("Ref") || name.startsWith("Fn::");
    }

    static String name(JsonNode function) {
        return function.fieldNames().next();
    }

    static boolean is(JsonNode node, String function) {
        return isFunction(node) && name(node).equals(function);
    }

    static boolean isNoValue(JsonNode node) {
        return is(node, "Ref") && "AWS::NoValue".equals(node.get("Ref").asText());
    }

    /** The values an Fn::If can take, leaving out AWS::NoValue (which removes the value). */
    static List<JsonNode> branches(JsonNode ifFunction) {
        JsonNode arguments = ifFunction.get("Fn::If");
        List<JsonNode> branches = new ArrayList<>();
        for (int i = 1; i <= 2 && i < arguments.size(); i++) {
            if (!isNoValue(arguments.get(i))) {
                branches.add(arguments.get(i));
            }
        }
        return branches;
    }
}
