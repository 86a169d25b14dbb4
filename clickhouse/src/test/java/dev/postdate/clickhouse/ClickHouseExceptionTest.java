package dev.postdate.clickhouse;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.postdate.clickhouse.migrations.Migrator;
import dev.postdate.clickhouse.templates.TemplateStore;
import dev.postdate.core.template.TemplateSettings;
import dev.postdate.core.template.TemplateVersion;
import dev.postdate.core.testing.TestEnvironment;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A failed statement reaches the logs by its kind, table and error code, never by its data. */
class ClickHouseExceptionTest {

    private static final String MARKER = "secret-body-7f3a";

    @Test
    void aFailedTemplateInsertLogsNoTemplateText() throws Exception {
        try (TestEnvironment env = TestEnvironment.create(ClickHouseExceptionTest.class)) {
            ClickHouseSql sql = ClickHouseTestSupport.sqlFor(env);
            new Migrator(sql).migrate();
            // A subject column that takes no text: the server refuses the RowBinary row (it runs out of bytes).
            sql.execute("DROP TABLE " + sql.table("templates"));
            sql.execute("CREATE TABLE " + sql.table("templates") + " (tenant String, name String, version UInt32,"
                    + " subject UInt8, html String, text String, created_at DateTime) ENGINE = Memory");
            TemplateStore store = new TemplateStore(sql, TemplateSettings.defaults());
            TemplateVersion version = new TemplateVersion("acme", "welcome", 1, "Subject " + MARKER,
                    "<p>Dear ada@example.com, " + MARKER + "</p>\n<p>second line</p>", "text " + MARKER, Instant.now());

            ClickHouseException failure = assertThrows(ClickHouseException.class, () -> store.insert(version));
            assertTrue(failure.getMessage().contains("INSERT INTO " + env.database() + ".templates"), failure.getMessage());
            assertNotEquals(0, failure.code(), failure.getMessage());

            Logger logger = (Logger) LoggerFactory.getLogger(ClickHouseExceptionTest.class);
            ListAppender<ILoggingEvent> captured = new ListAppender<>();
            captured.start();
            logger.addAppender(captured);
            try {
                logger.warn("Saving a template failed: {}", failure.getMessage());
                logger.error("Saving a template failed", failure);
            } finally {
                logger.detachAppender(captured);
            }
            assertEquals(2, captured.list.size());
            for (ILoggingEvent event : captured.list) {
                String logged = event.getFormattedMessage()
                        + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy()));
                assertNoTemplateText(logged);
            }
            StringWriter trace = new StringWriter();
            failure.printStackTrace(new PrintWriter(trace));
            assertNoTemplateText(trace.toString());
        }
    }

    @Test
    void aValueTheServerQuotesInItsMessageStaysOutOfTheFailure() throws Exception {
        try (TestEnvironment env = TestEnvironment.create(ClickHouseExceptionTest.class)) {
            ClickHouseSql sql = ClickHouseTestSupport.sqlFor(env);
            // The server's message is "Cannot parse string '<the value>' as UInt8", on 18.16 as today.
            ClickHouseException failure = assertThrows(ClickHouseException.class,
                    () -> sql.select(Sql.of("SELECT toUInt8(").value("ada@example.com " + MARKER).sql(")")));
            assertNotEquals(0, failure.code(), failure.getMessage());
            StringWriter trace = new StringWriter();
            failure.printStackTrace(new PrintWriter(trace));
            assertNoTemplateText(trace.toString());
            assertFalse(trace.toString().contains("toUInt8"), "no statement text: " + trace);
        }
    }

    @Test
    void describesAStatementByKindAndTableOutsideItsLiterals() {
        assertEquals("INSERT INTO db.templates", ClickHouseException.describe(
                "INSERT INTO db.templates (a) VALUES ('x.y', 'ada@example.com')"));
        assertEquals("SELECT db.api_keys", ClickHouseException.describe(
                "SELECT * FROM (SELECT 'it''s a.b' AS s, key_id FROM db.api_keys) WHERE x = 'mail.example'"));
        assertEquals("ALTER TABLE db.emails", ClickHouseException.describe("ALTER TABLE db.emails ADD COLUMN c String"));
        assertEquals("SELECT", ClickHouseException.describe("SELECT 'ada@example.com'"));
    }

    @Test
    void namesATransportFailureByItsCausesClassesNotTheirMessages() {
        Exception failure = new UncheckedIOException("wrapped ada@example.com",
                new SocketTimeoutException("Read timed out sending 'ada@example.com'"));
        ClickHouseException described = ClickHouseException.about("INSERT INTO db.send_marks", failure);
        assertEquals("ClickHouse INSERT INTO db.send_marks failed: UncheckedIOException < SocketTimeoutException",
                described.getMessage());
        assertEquals(0, described.code());
    }

    private static void assertNoTemplateText(String logged) {
        assertFalse(logged.contains(MARKER), logged);
        assertFalse(logged.contains("ada@example.com"), logged);
    }
}
