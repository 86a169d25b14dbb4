package dev.postdate.api.contacts.imports;

import dev.postdate.api.contacts.ContactReader;
import dev.postdate.api.problem.FieldError;
import dev.postdate.clickhouse.contacts.Contact;
import dev.postdate.clickhouse.contacts.ContactImport;
import dev.postdate.clickhouse.contacts.ContactImportStore;
import dev.postdate.clickhouse.contacts.ContactStore;
import dev.postdate.clickhouse.contacts.RowError;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Imports the rows of one part: each row checked as {@code POST /v1/contacts} checks a contact, the
 * good ones upserted {@code chunk-rows} at a time, a bad one recorded with its line, field and
 * reason (it never stops the others), the import's progress written after every chunk. Returns the
 * state at the part's end, written before the part is answered. A row without an id gets its address
 * (lower-case) as id, so that importing a file again updates the same contacts.
 */
@Singleton
class PartImporter {

    private final ContactReader reader;
    private final ContactStore contacts;
    private final ContactImportStore imports;
    private final ImportSettings settings;
    private final Counter importedRows;
    private final Counter failedRows;
    private final Clock clock;

    PartImporter(ContactReader reader, ContactStore contacts, ContactImportStore imports, ImportSettings settings,
                 MeterRegistry metrics, Clock clock) {
        this.reader = reader;
        this.contacts = contacts;
        this.imports = imports;
        this.settings = settings;
        this.importedRows = metrics.counter("postdate.api.contacts.import.rows", "result", "imported");
        this.failedRows = metrics.counter("postdate.api.contacts.import.rows", "result", "failed");
        this.clock = clock;
    }

    /**
     * @param from  the state the part starts from: the end of the previous part, or a new import
     * @param last  no part follows: the import ends {@code done}
     * @param field names a contact's JSON path as the file does (a CSV column)
     */
    ContactImport run(String tenant, ContactImport from, PartRows rows, boolean last,
                      UnaryOperator<String> field) {
        Progress progress = new Progress(tenant, from);
        Map<String, Contact> chunk = new LinkedHashMap<>();
        while (rows.hasNext()) {
            ImportRow row = rows.next();
            progress.rows++;
            List<FieldError> problems = new ArrayList<>(row.problems());
            Contact contact = row.contact() == null ? null : reader.read(withDefaultId(row.contact()), "", problems);
            if (contact == null) {
                progress.failed(row.line(), problems, field);
                failedRows.increment();
            } else {
                // A later row of the same contact in one chunk replaces the earlier, as a later chunk would.
                chunk.remove(contact.id());
                chunk.put(contact.id(), contact);
                progress.imported++;
            }
            if (chunk.size() >= settings.chunkRows()) {
                write(tenant, chunk);
                progress.save(ContactImport.IMPORTING, rows.lastLine(), from.parts());
            }
        }
        write(tenant, chunk);
        return progress.save(last ? ContactImport.DONE : ContactImport.OPEN, rows.lastLine(), from.parts() + 1);
    }

    private void write(String tenant, Map<String, Contact> chunk) {
        if (!chunk.isEmpty()) {
            contacts.upsert(tenant, List.copyOf(chunk.values()));
            importedRows.increment(chunk.size());
            chunk.clear();
        }
    }

    private static JsonNode withDefaultId(JsonNode contact) {
        JsonNode id = contact.get("id");
        JsonNode email = contact.get("email");
        if ((id != null && !id.isNull()) || email == null || !email.isString()) {
            return contact;
        }
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        contact.entries().forEach(e -> fields.put(e.getKey(), e.getValue()));
        fields.put("id", JsonNode.createStringNode(email.getStringValue().strip().toLowerCase(Locale.ROOT)));
        return JsonNode.createObjectNode(fields);
    }

    /** The counts of the import while a part runs. */
    private final class Progress {
        private final String tenant;
        private final ContactImport from;
        private final List<RowError> errors;
        private long rows;
        private long imported;
        private long failed;
        private long version;

        Progress(String tenant, ContactImport from) {
            this.tenant = tenant;
            this.from = from;
            this.errors = new ArrayList<>(from.errors());
            this.rows = from.rows();
            this.imported = from.imported();
            this.failed = from.failed();
            this.version = from.version();
        }

        void failed(long line, List<FieldError> problems, UnaryOperator<String> field) {
            failed++;
            for (FieldError problem : problems) {
                if (errors.size() < settings.maxErrors()) {
                    errors.add(new RowError(line, field.apply(problem.field()), problem.message()));
                }
            }
        }

        ContactImport save(String state, long lines, int parts) {
            // Above every earlier write of the import, also one made in the same millisecond.
            version = Math.max(version + 1, clock.millis());
            ContactImport saved = new ContactImport(from.id(), from.format(), state, parts, lines, rows, imported, failed,
                    List.copyOf(errors), from.columns(), from.created(), Instant.ofEpochMilli(clock.millis()), version);
            imports.save(tenant, saved);
            return saved;
        }
    }
}
