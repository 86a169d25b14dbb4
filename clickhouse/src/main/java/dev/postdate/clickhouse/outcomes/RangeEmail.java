package dev.postdate.clickhouse.outcomes;

/**
 * One email of a range as the worker reads it.
 *
 * @param sendAtEpochSecond when it was due
 * @param payload           the UTF-8 JSON of its {@code EmailContent}
 */
public record RangeEmail(String id, String tenant, String batchId, long sendAtEpochSecond, long seq, byte[] payload) {
}
