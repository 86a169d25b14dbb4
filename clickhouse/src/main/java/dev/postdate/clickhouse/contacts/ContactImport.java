package dev.postdate.clickhouse.contacts;

import java.time.Instant;
import java.util.List;

/**
 * An import's state as written after a chunk or a part.
 *
 * @param format   csv or ndjson
 * @param state    {@link #IMPORTING} (within a part), {@link #OPEN} (a part done, more to come) or {@link #DONE}
 * @param parts    parts processed
 * @param lines    lines of the file consumed (a CSV header and empty NDJSON lines too)
 * @param rows     data rows read, good and bad
 * @param errors   the first row errors, in file order
 * @param columns  what later parts need of the first (the api's JSON; opaque here)
 * @param version  orders the import's writes: the highest is its state
 */
public record ContactImport(String id, String format, String state, int parts, long lines, long rows, long imported,
                            long failed, List<RowError> errors, String columns, Instant created, Instant updated,
                            long version) {

    public static final String IMPORTING = "importing";
    public static final String OPEN = "open";
    public static final String DONE = "done";
}
