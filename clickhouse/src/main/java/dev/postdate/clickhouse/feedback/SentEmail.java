package dev.postdate.clickhouse.feedback;

/** The email a provider message id was sent for. */
public record SentEmail(String tenant, String emailId, String batchId) {
}
