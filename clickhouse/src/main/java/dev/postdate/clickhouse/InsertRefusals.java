package dev.postdate.clickhouse;

import com.clickhouse.client.api.ServerException;

import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tells ClickHouse's refusal of an insert (its own error about the data: the same insert will fail
 * again, whatever the servers do) from an outage (no answer, or an error about the server's state),
 * for the consumers that give up on data only on evidence that the data is at fault (docs/ingest.md,
 * "Poison packets"; docs/tracking.md).
 */
public final class InsertRefusals {

    /** How every error ClickHouse itself raises is worded: "Code: 395, e.displayText() = DB::Exception: ...". */
    private static final Pattern CLICKHOUSE_ERROR_TEXT = Pattern.compile("Code: (\\d+)[.,].*DB::Exception");
    /**
     * ClickHouse error codes that describe the server's state, not the data: an insert refused with
     * one of them is an outage, retried for as long as it lasts, whatever the packet. Among them
     * TOO_MANY_PARTS, which current servers also raise for an insert spanning more than
     * max_partitions_per_insert_block partitions: such a packet is retried, never dead-lettered.
     */
    private static final Set<Integer> SERVER_STATE_ERRORS = Set.of(
            60,   // UNKNOWN_TABLE (a schema not yet or no longer there)
            81,   // UNKNOWN_DATABASE
            159,  // TIMEOUT_EXCEEDED
            164,  // READONLY
            202,  // TOO_MANY_SIMULTANEOUS_QUERIES
            203,  // NO_FREE_CONNECTION
            209,  // SOCKET_TIMEOUT
            210,  // NETWORK_ERROR
            225,  // NO_ZOOKEEPER
            236,  // ABORTED
            241,  // MEMORY_LIMIT_EXCEEDED
            242,  // TABLE_IS_READ_ONLY
            243,  // NOT_ENOUGH_SPACE
            252,  // TOO_MANY_PARTS
            279,  // ALL_CONNECTION_TRIES_FAILED
            285,  // TOO_FEW_LIVE_REPLICAS (a replica of the quorum is down)
            286,  // UNSATISFIED_QUORUM_FOR_PREVIOUS_WRITE (past QuorumRetry's deadline)
            289,  // REPLICA_IS_NOT_IN_QUORUM (a lagging replica)
            319,  // UNKNOWN_STATUS_OF_INSERT
            394,  // QUERY_WAS_CANCELLED
            497,  // ACCESS_DENIED
            516,  // AUTHENTICATION_FAILED
            999); // KEEPER_EXCEPTION

    private InsertRefusals() {
    }

    /**
     * ClickHouse's own error answer, if that is what failed the attempt: a code in the response header
     * or, as 18.16 sends no such header, ClickHouse's error text in the body. Anything else (no
     * connection, a timeout, Redis, a proxy's error page) is an outage, never the packet's doing; so
     * are the errors in which ClickHouse describes its own state rather than the data.
     */
    public static OptionalInt refusal(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            // ClickHouseException keeps only the server's error code (its text could quote the data).
            OptionalInt code = cause instanceof ClickHouseException clickHouse
                    ? (clickHouse.code() > 0 ? OptionalInt.of(clickHouse.code()) : OptionalInt.empty())
                    : cause instanceof ServerException server ? errorCode(server) : null;
            if (code != null) {
                return code.isPresent() && !SERVER_STATE_ERRORS.contains(code.getAsInt()) ? code : OptionalInt.empty();
            }
        }
        return OptionalInt.empty();
    }

    private static OptionalInt errorCode(ServerException server) {
        if (server.getCode() != ServerException.CODE_UNKNOWN) {
            return OptionalInt.of(server.getCode());
        }
        Matcher matcher = CLICKHOUSE_ERROR_TEXT.matcher(String.valueOf(server.getMessage()));
        return matcher.find() ? OptionalInt.of(Integer.parseInt(matcher.group(1))) : OptionalInt.empty();
    }
}
