package dev.postdate.api.contacts.imports;

import java.util.Locale;

/** How an import's rows are written, named by the request's Content-Type (text/csv, application/x-ndjson). */
public enum ImportFormat {
    CSV,
    NDJSON;

    /** The name in the API and in {@code contact_imports}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
