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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.UnaryOperator;

/**
 * Imports the rows of one part: each row checked as {@code POST /v1/contacts} checks a contact, the
 * good ones upserted {@code chunk-rows} at a time, a bad one recorded with its line, field and
 * reason (it never stops the others), the import's progress written once each chunk is stored. A
 * chunk is written while the next one is read (one write at a time, in file order), so that reading
 * and ClickHouse work side by side. Returns the state at the part's end, written after every chunk
 * of the part is stored and before the part is answered. A row without an id gets its address
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
        Progress progress = new Progress(from);
        ChunkWriter writer = new ChunkWriter(tenant);
        Map<String, Contact> chunk = new LinkedHashMap<>();
        while (rows.hasNext()) {
            ImportRow row = rows.next();
            progress.rows++;
            List<FieldError> problems = new ArrayList<>(row.problems());
            Contact contact = row.contact() == null ? null : reader.read(withDefaultId(row.contact()), "", problems);
            if (contact == null || !row.problems().isEmpty()) {
                progress.failed(row.line(), problems, field);
                failedRows.increment();
            } else {
                // A later row of the same contact in one chunk replaces the earlier, as a later chunk would.
                chunk.remove(contact.id());
                chunk.put(contact.id(), contact);
                progress.imported++;
            }
            if (chunk.size() >= settings.chunkRows()) {
                writer.write(chunk, progress.state(ContactImport.IMPORTING, rows.lastLine(), from.parts()));
            }
        }
        writer.write(chunk, null);
        writer.finish();
        ContactImport end = progress.state(last ? ContactImport.DONE : ContactImport.OPEN, rows.lastLine(), from.parts() + 1);
        imports.save(tenant, end);
        return end;
    }

    /** Writes chunks one at a time in the background; the import's progress follows what is stored. */
    private final class ChunkWriter {
        private final String tenant;
        private CompletableFuture<Void> inFlight = CompletableFuture.completedFuture(null);
        /** The progress to record once the chunk in flight is stored. */
        private ContactImport afterInFlight;

        ChunkWriter(String tenant) {
            this.tenant = tenant;
        }

        /** Waits for the chunk before, then starts writing this one (and empties it). */
        void write(Map<String, Contact> chunk, ContactImport after) {
            finish();
            if (chunk.isEmpty()) {
                return;
            }
            List<Contact> batch = List.copyOf(chunk.values());
            chunk.clear();
            afterInFlight = after;
            inFlight = CompletableFuture.runAsync(() -> {
                contacts.upsert(tenant, batch);
                importedRows.increment(batch.size());
            }, Thread::startVirtualThread);
        }

        /** Waits for the chunk in flight and records the progress it completes; its failure is the part's. */
        void finish() {
            try {
                inFlight.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
            if (afterInFlight != null) {
                imports.save(tenant, afterInFlight);
                afterInFlight = null;
            }
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
        private final ContactImport from;
        private final List<RowError> errors;
        private long rows;
        private long imported;
        private long failed;
        private long version;

        Progress(ContactImport from) {
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

        /** The import's state now, with a version above every earlier one (also one in the same millisecond). */
        ContactImport state(String state, long lines, int parts) {
            version = Math.max(version + 1, clock.millis());
            return new ContactImport(from.id(), from.format(), state, parts, lines, rows, imported, failed,
                    List.copyOf(errors), from.columns(), from.created(), Instant.ofEpochMilli(clock.millis()), version);
        }
    }
}
