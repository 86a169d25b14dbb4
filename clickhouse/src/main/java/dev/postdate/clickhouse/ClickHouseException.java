package dev.postdate.clickhouse;

/** A statement failed; the message names the statement's first line, never its data. */
public class ClickHouseException extends RuntimeException {

    public ClickHouseException(String statement, Throwable cause) {
        super("ClickHouse statement failed: " + statement + ": " + cause.getMessage(), cause);
    }
}
