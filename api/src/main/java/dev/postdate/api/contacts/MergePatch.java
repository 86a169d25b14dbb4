package dev.postdate.api.contacts;

import io.micronaut.json.tree.JsonNode;

import java.util.LinkedHashMap;
import java.util.Map;

/** RFC 7396 JSON Merge Patch: objects merge member by member, null removes a member, anything else replaces. */
final class MergePatch {

    private MergePatch() {
    }

    static JsonNode apply(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch;
        }
        Map<String, JsonNode> merged = new LinkedHashMap<>();
        if (target != null && target.isObject()) {
            target.entries().forEach(e -> merged.put(e.getKey(), e.getValue()));
        }
        for (Map.Entry<String, JsonNode> member : patch.entries()) {
            if (member.getValue().isNull()) {
                merged.remove(member.getKey());
            } else {
                merged.put(member.getKey(), apply(merged.get(member.getKey()), member.getValue()));
            }
        }
        return JsonNode.createObjectNode(merged);
    }
}
