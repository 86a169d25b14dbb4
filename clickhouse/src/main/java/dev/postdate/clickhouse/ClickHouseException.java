package dev.postdate.clickhouse;

import com.clickhouse.client.api.ServerException;

import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A statement failed. The message names the statement's kind and table and ClickHouse's error code,
 * never the statement's text or the server's own message, and the client's exception is not kept as
 * the cause: both can quote the statement, whose literals hold addresses, subjects and bodies (a
 * template INSERT is all of that), and whatever logs this exception would then log them.
 */
public class ClickHouseException extends RuntimeException {

    /** 18.16's answer to an ADD COLUMN of a column that exists (ILLEGAL_COLUMN). */
    public static final int ILLEGAL_COLUMN = 44;
    /** A current server's answer to the same (DUPLICATE_COLUMN). */
    public static final int DUPLICATE_COLUMN = 15;
    public static final int UNKNOWN_TABLE = 60;
    public static final int UNKNOWN_DATABASE = 81;
    /** A replicated table's ZooKeeper path already has this replica (REPLICA_IS_ALREADY_EXIST). */
    public static final int REPLICA_ALREADY_EXISTS = 253;

    private static final Pattern STRING_LITERAL = Pattern.compile("'(?:[^'\\\\]|\\\\.)*'");
    private static final Pattern KIND = Pattern.compile("^\\s*([A-Za-z]+(?:\\s+(?:INTO|TABLE|DATABASE|VIEW|MATERIALIZED VIEW))?)");
    private static final Pattern QUALIFIED_NAME = Pattern.compile("\\b([A-Za-z_][A-Za-z0-9_]*\\.[A-Za-z_][A-Za-z0-9_]*)\\b");

    private static final Pattern SERVER_CODE = Pattern.compile("\\bCode: (\\d{1,6})\\b");

    /** What the client says when it did not read the server's error (18.16 answers some errors so). */
    private static final Pattern HTTP_STATUS = Pattern.compile("^Unexpected result status (\\d{3})$");

    private final int code;

    private ClickHouseException(String message, int code) {
        super(message, null, false, true);
        this.code = code;
    }

    /** A failure of the statement {@code sql}, described by its kind and table only. */
    public static ClickHouseException of(String sql, Throwable failure) {
        return about(describe(sql), failure);
    }

    /** A failure of what {@code operation} names (kind and table, no data), e.g. "INSERT INTO db.emails". */
    public static ClickHouseException about(String operation, Throwable failure) {
        Throwable cause = failure instanceof ExecutionException && failure.getCause() != null
                ? failure.getCause() : failure;
        int code = 0;
        for (Throwable t = cause; t != null && code == 0; t = t.getCause()) {
            if (t instanceof ServerException server && server.getCode() > 0) {
                code = server.getCode();
            } else if (t.getMessage() != null) {
                // 18.16 sends no error-code header, so the client knows the code only from the text,
                // "Code: 53, e.displayText() = ...". Only the number is taken.
                Matcher quoted = SERVER_CODE.matcher(t.getMessage());
                code = quoted.find() ? Integer.parseInt(quoted.group(1)) : 0;
            }
        }
        Matcher status = cause.getMessage() == null ? null : HTTP_STATUS.matcher(cause.getMessage());
        String reason = code != 0 ? "server error code " + code
                : transport(cause) + (status != null && status.find() ? " (HTTP " + status.group(1) + ")" : "");
        return new ClickHouseException("ClickHouse " + operation + " failed: " + reason, code);
    }

    /**
     * The client's exception and what caused it, by class names only (their messages may quote the
     * statement): "DataTransferException < NoHttpResponseException" tells an operator a reused
     * connection from a socket timeout.
     */
    private static String transport(Throwable failure) {
        StringBuilder chain = new StringBuilder(failure.getClass().getSimpleName());
        int depth = 0;
        for (Throwable t = failure.getCause(); t != null && t != failure && depth < 4; t = t.getCause(), depth++) {
            chain.append(" < ").append(t.getClass().getSimpleName());
        }
        return chain.toString();
    }

    /** ClickHouse's error code; 0 when the server did not answer with one (a transport failure, a timeout). */
    public int code() {
        return code;
    }

    /** "KIND db.table" of a statement: its first words and the first database-qualified name outside literals. */
    static String describe(String sql) {
        String withoutLiterals = STRING_LITERAL.matcher(sql).replaceAll("''");
        Matcher kind = KIND.matcher(withoutLiterals);
        Matcher name = QUALIFIED_NAME.matcher(withoutLiterals);
        return (kind.find() ? kind.group(1).toUpperCase(Locale.ROOT).replaceAll("\\s+", " ") : "statement")
                + (name.find() ? " " + name.group(1) : "");
    }
}
