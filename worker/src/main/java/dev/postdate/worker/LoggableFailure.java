package dev.postdate.worker;

import dev.postdate.clickhouse.ClickHouseException;
import io.lettuce.core.RedisException;

/**
 * What a log line may say about an unexpected failure while a range is worked: the message only of
 * failures whose messages carry no email data (ClickHouse's name the statement, Redis's the
 * connection), else the type alone. A rendering or provider failure can quote a recipient, a subject
 * or a body, and those never reach the logs.
 */
final class LoggableFailure {

    private LoggableFailure() {
    }

    static String describe(Throwable failure) {
        return failure instanceof ClickHouseException || failure instanceof RedisException
                ? failure.toString() : failure.getClass().getName();
    }
}
