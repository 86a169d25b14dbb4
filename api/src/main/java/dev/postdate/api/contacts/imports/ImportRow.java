package dev.postdate.api.contacts.imports;

import dev.postdate.api.problem.FieldError;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;

import java.util.List;

/** One data row of a part: its line in the file, and the contact's JSON or why the row is not one. */
record ImportRow(long line, @Nullable JsonNode contact, List<FieldError> problems) {
}
