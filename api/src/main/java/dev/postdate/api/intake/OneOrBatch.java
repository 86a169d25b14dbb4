package dev.postdate.api.intake;

import dev.postdate.api.problem.FieldError;
import dev.postdate.api.problem.ProblemException;
import dev.postdate.api.problem.ProblemType;
import io.micronaut.json.tree.JsonNode;

import java.util.ArrayList;
import java.util.List;

/** A body that is one item, or {@code {"<name>": [...]}} with up to a limit of them (contacts, suppressions). */
public final class OneOrBatch {

    /** Reads one item at a JSON path; null when it has problems, which it adds to errors. */
    @FunctionalInterface
    public interface ItemReader<T> {
        T read(JsonNode node, String path, List<FieldError> errors);
    }

    private OneOrBatch() {
    }

    /**
     * The items in request order, null where an item has problems (added to errors).
     *
     * @throws ProblemException 422 when {@code name} is there alone but not an array of 1 to {@code max}
     */
    public static <T> List<T> read(JsonNode root, String name, int max, ItemReader<T> reader, List<FieldError> errors) {
        JsonNode batch = root.get(name);
        List<T> items = new ArrayList<>();
        if (batch == null || root.size() != 1) {
            items.add(reader.read(root, "", errors));
            return items;
        }
        if (!batch.isArray() || batch.size() == 0 || batch.size() > max) {
            throw new ProblemException(ProblemType.VALIDATION, "Invalid " + name,
                    List.of(new FieldError(name, "an array of 1 to " + max + " items")));
        }
        int index = 0;
        for (JsonNode node : batch.values()) {
            items.add(reader.read(node, FieldPaths.index(name, index++), errors));
        }
        return items;
    }
}
