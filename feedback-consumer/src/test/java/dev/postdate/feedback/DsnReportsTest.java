package dev.postdate.feedback;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A DSN's source id names the report, so that the same report read twice folds into one event. */
class DsnReportsTest {

    private final DsnReports reports = new DsnReports(Clock.fixed(Instant.parse("2026-12-06T10:00:00Z"), ZoneOffset.UTC));

    @Test
    void aReportWithoutMessageIdIsNamedByItsContent() throws Exception {
        List<ProviderNotification> first = reports.read(DsnSamples.dsn(null, "gone@example.org", "failed", "5.1.1",
                "smtp; 550 user unknown", "<a1@postdate.local>"));
        List<ProviderNotification> again = reports.read(DsnSamples.dsn(null, "gone@example.org", "failed", "5.1.1",
                "smtp; 550 user unknown", "<a1@postdate.local>"));
        List<ProviderNotification> other = reports.read(DsnSamples.dsn(null, "full@example.org", "failed", "5.1.1",
                "smtp; 550 user unknown", "<a1@postdate.local>"));

        assertEquals(1, first.size());
        assertTrue(first.getFirst().source().startsWith(DsnReports.DSN_PREFIX), first.getFirst().source());
        assertEquals(first.getFirst().source(), again.getFirst().source());
        assertNotEquals(first.getFirst().source(), other.getFirst().source());
    }

    @Test
    void aReportWithMessageIdIsNamedByIt() throws Exception {
        ProviderNotification read = reports.read(DsnSamples.dsn("r-7", "gone@example.org", "failed", "5.1.1",
                "smtp; 550 user unknown", "<a1@postdate.local>")).getFirst();

        assertEquals("<a1@postdate.local>", read.providerId());
        assertEquals(DsnReports.DSN_PREFIX + "<r-7@mx.example.org>:bounced:permanent", read.source());
    }
}
