package dev.postdate.api.intake;

import io.micronaut.json.tree.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Conversions of parsed JSON trees that serde does not offer. */
public final class JsonTrees {

    private JsonTrees() {
    }

    /** Plain Java values: maps, lists, strings, numbers, booleans, nulls. */
    public static Object toJava(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            node.entries().forEach(e -> map.put(e.getKey(), toJava(e.getValue())));
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>(node.size());
            node.values().forEach(v -> list.add(toJava(v)));
            return list;
        }
        return node.isNull() ? null : node.getValue();
    }

    /**
     * JSON text with object keys sorted, so the same content written in another key order gives the
     * same text: the basis of idempotency fingerprints and of size limits.
     */
    static String canonical(JsonNode node) {
        StringBuilder out = new StringBuilder();
        writeCanonical(node, out);
        return out.toString();
    }

    private static void writeCanonical(JsonNode node, StringBuilder out) {
        if (node.isObject()) {
            Map<String, JsonNode> sorted = new TreeMap<>();
            node.entries().forEach(e -> sorted.put(e.getKey(), e.getValue()));
            out.append('{');
            String separator = "";
            for (Map.Entry<String, JsonNode> entry : sorted.entrySet()) {
                out.append(separator);
                writeString(entry.getKey(), out);
                out.append(':');
                writeCanonical(entry.getValue(), out);
                separator = ",";
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            String separator = "";
            for (JsonNode value : node.values()) {
                out.append(separator);
                writeCanonical(value, out);
                separator = ",";
            }
            out.append(']');
        } else if (node.isString()) {
            writeString(node.getStringValue(), out);
        } else {
            out.append(node.isNull() ? "null" : node.getValue().toString());
        }
    }

    private static void writeString(String value, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }
}
