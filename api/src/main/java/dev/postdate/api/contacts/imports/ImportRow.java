package dev.postdate.api.contacts.imports;

import dev.postdate.api.problem.FieldError;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;

import java.util.List;

/**
 * One data row of a part: its line in the file, the contact's JSON as far as it could be read (null
 * when nothing could), and the problems found reading it; a row with problems is not imported, but
 * its JSON is still checked, so that every problem of the row is reported at once.
 */
record ImportRow(long line, @Nullable JsonNode contact, List<FieldError> problems) {
}
