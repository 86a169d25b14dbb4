package dev.postdate.deploy.grafana;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DashboardTest {

    /** Surefire runs in the module's directory. */
    private static final Path DASHBOARD = Path.of("postdate-dashboard.json");
    private static final Path REPOSITORY = Path.of("../..");

    /** The least dashboard the structure check accepts; each case below breaks one thing in it. */
    private static final String MINIMAL = """
            {"uid": "minimal", "title": "Minimal", "schemaVersion": 39,
             "templating": {"list": [{"type": "datasource", "name": "datasource", "query": "prometheus"}]},
             "panels": [
              {"type": "row", "id": 1, "title": "Row", "gridPos": {"h": 1, "w": 24, "x": 0, "y": 0}, "panels": []},
              {"type": "timeseries", "id": 2, "title": "Panel", "description": "Targets up.",
               "gridPos": {"h": 8, "w": 12, "x": 0, "y": 1},
               "datasource": {"type": "prometheus", "uid": "${datasource}"},
               "targets": [{"refId": "A", "expr": "sum(up[$__rate_interval])"}]}]}
            """;

    private static String dashboard;
    private static ExportedMetrics exported;

    @BeforeAll
    static void load() throws Exception {
        dashboard = Files.readString(DASHBOARD);
        exported = ExportedMetrics.register();
    }

    @Test
    void isAWellFormedGrafanaDashboard() {
        assertEquals(List.of(), DashboardCheck.structureProblems(DashboardCheck.parse(dashboard)));
    }

    @Test
    void readsOnlyMetricsPostdateExports() {
        assertEquals(List.of(), DashboardCheck.unknownMetrics(DashboardCheck.parse(dashboard),
                exported.prometheusNames()));
    }

    /** A query in which the tokenizer finds no metric would pass the check above whatever it reads. */
    @Test
    void everyQueryReadsAMetric() {
        List<DashboardCheck.Query> queries = DashboardCheck.queries(DashboardCheck.parse(dashboard));
        assertFalse(queries.isEmpty());
        for (DashboardCheck.Query query : queries) {
            assertNotEquals(0, PromQl.metricNames(query.expr()).size(), query.toString());
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            // misspelled
            "postdate_worker_emails_sent_total, postdate_worker_email_sent_total",
            // the Micrometer name, without the suffix Prometheus adds to a counter
            "postdate_worker_emails_sent_total, postdate_worker_emails_sent",
            // a timer that publishes no histogram has no _bucket series
            "postdate_ingest_insert_latency_seconds_sum, postdate_ingest_insert_latency_seconds_bucket",
    })
    void aMetricPostdateDoesNotExportFailsTheCheck(String real, String wrong) {
        String broken = dashboard.replace(real, wrong);
        assertNotEquals(dashboard, broken, real + " is no longer on the dashboard: pick another example");
        List<String> problems = DashboardCheck.unknownMetrics(DashboardCheck.parse(broken), exported.prometheusNames());
        assertNotEquals(List.of(), problems);
        assertTrue(problems.stream().allMatch(problem -> problem.contains(wrong + " is not a metric")),
                problems.toString());
    }

    @Test
    void theMinimalDashboardIsWellFormed() {
        assertEquals(List.of(), DashboardCheck.structureProblems(DashboardCheck.parse(MINIMAL)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "\"uid\": \"minimal\"                      | \"uid\": \"\"                          | uid must be",
            "\"title\": \"Minimal\"                    | \"title\": \" \"                       | no title",
            "\"schemaVersion\": 39                     | \"schemaVersion\": 27                  | schemaVersion",
            "\"name\": \"datasource\"                  | \"name\": \"source\"                   | must be of type datasource",
            "\"type\": \"row\", \"id\": 1              | \"type\": \"text\", \"id\": 1          | first panel must be a row",
            "\"id\": 2                                 | \"id\": 1                              | id 1 is used twice",
            "\"uid\": \"${datasource}\"                | \"uid\": \"P1809F7CD0C75ACF3\"         | the datasource must be",
            "\"expr\": \"sum(up[$__rate_interval])\"   | \"expr\": \"\"                         | no expr",
            "\"refId\": \"A\",                         | ''                                     | a target without refId",
            "\"targets\": [{                           | \"targets\": [], \"x\": [{             | no targets",
            "\"h\": 8, \"w\": 12, \"x\": 0             | \"h\": 8, \"w\": 12, \"x\": 20         | within 24 columns",
            "\"x\": 0, \"y\": 1                        | \"x\": 0, \"y\": 0                     | overlaps",
            "\"description\": \"Targets up.\",         | ''                                     | no description",
            "sum(up[$__rate_interval])                 | sum(up{namespace=\\\"$namespace\\\"})  | no template variable",
    })
    void aBrokenDashboardFailsTheStructureCheck(String real, String broken, String expected) {
        String json = MINIMAL.replace(real, broken);
        assertNotEquals(MINIMAL, json, real);
        List<String> problems = DashboardCheck.structureProblems(DashboardCheck.parse(json));
        assertTrue(problems.stream().anyMatch(problem -> problem.contains(expected)), problems.toString());
    }

    @Test
    void theRegistryHoldsEveryMeterTheSourcesRegister() {
        MeterSources.Registrations found = MeterSources.scan(REPOSITORY);
        assertEquals(List.of(), found.withoutLiteral(), "meters registered without a literal name");
        assertTrue(found.names().containsKey("postdate.worker.emails.sent"), found.names().toString());
        Map<String, String> missing = new TreeMap<>(found.names());
        missing.keySet().removeAll(exported.meterNames());
        assertEquals(Map.of(), missing,
                "meters the sources register that ExportedMetrics does not: construct their class there");
    }
}
