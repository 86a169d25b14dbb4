package dev.postdate.clickhouse.contacts;

/**
 * One rejected row of an import.
 *
 * @param line   the row's line in the file (a CSV header is line 1)
 * @param field  the column or JSON path at fault, empty for the row as a whole
 */
public record RowError(long line, String field, String reason) {
}
