package dev.postdate.api.contacts.imports;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** How an import's rows are written, named by the request's Content-Type. */
public enum ImportFormat {
    CSV("text/csv"),
    NDJSON("application/x-ndjson");

    private final String mediaType;

    ImportFormat(String mediaType) {
        this.mediaType = mediaType;
    }

    public String mediaType() {
        return mediaType;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<ImportFormat> ofWireName(String name) {
        return Arrays.stream(values()).filter(f -> f.wireName().equals(name)).findFirst();
    }
}
