package dev.postdate.clickhouse;

import dev.postdate.core.testing.TestEnvironment;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A query that fails after ClickHouse produced more than its response buffer of rows: a server
 * streaming them would answer 200 with the rows so far and its exception appended as text, which a
 * reader could take for a short but valid result (a range's recorded outcomes with some missing).
 * Every query waits for its end on the server instead, so the failure is the response.
 */
class MidStreamFailureTest {

    /** About 12 MB of TabSeparated rows before the failure: well past the server's 1 MB buffer. */
    private static final String FAILS_LATE = "SELECT number + throwIf(number = 1500000) FROM system.numbers LIMIT 2000000";
    private static final int FUNCTION_THROW_IF_VALUE_IS_NON_ZERO = 395;

    @Test
    void aFailureAfterManyRowsIsAFailureNotAShortResult() throws Exception {
        try (TestEnvironment env = TestEnvironment.create(MidStreamFailureTest.class)) {
            ClickHouseSql sql = ClickHouseTestSupport.sqlFor(env);

            ClickHouseException text = assertThrows(ClickHouseException.class, () -> sql.select(FAILS_LATE));
            assertEquals(FUNCTION_THROW_IF_VALUE_IS_NON_ZERO, text.code(), text.getMessage());
            ClickHouseException binary = assertThrows(ClickHouseException.class,
                    () -> sql.selectRows(FAILS_LATE, row -> row.uint64()));
            assertEquals(FUNCTION_THROW_IF_VALUE_IS_NON_ZERO, binary.code(), binary.getMessage());
        }
    }
}
