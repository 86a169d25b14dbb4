package dev.postdate.loadtest.demo;

import dev.postdate.loadtest.ProgressBoard;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.campaigns.OccurrenceStore;
import dev.postdate.core.state.EmailStatus;
import dev.postdate.loadtest.ApiClient;
import dev.postdate.loadtest.PrometheusScrape;
import dev.postdate.loadtest.ToolContext;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;

/**
 * The demo's client side (./postdate demo starts the stack, then this): creates a template,
 * schedules N personalized emails through the REST API, cancels one batch, shows progress until
 * every email has an outcome, then checks each one against the sink and ClickHouse. The last line
 * it prints is the JSON summary; the exit code is 1 when an email was lost, sent twice, sent after
 * its cancel or sent with the wrong content, or when the run timed out. With {@code --campaign} the
 * emails come from a recurring campaign's first occurrence instead ({@link CampaignDemo}).
 */
@Command(name = "demo", mixinStandardHelpOptions = true)
public class DemoCommand implements Callable<Integer> {

    @Option(names = "--api-url", defaultValue = "http://127.0.0.1:8080")
    String apiUrl;

    @Option(names = "--key", defaultValue = "${env:POSTDATE_DEMO_API_KEY}", required = true,
            description = "the demo tenant's API key (or POSTDATE_DEMO_API_KEY)")
    String key;

    @Option(names = "--tenant", required = true, description = "the key's tenant: the emails the demo checks")
    String tenant;

    @Option(names = "--database", defaultValue = "${env:POSTDATE_CLICKHOUSE_DATABASE:-postdate}")
    String database;

    @Option(names = "--emails", defaultValue = "100000", description = "emails; with --campaign, the audience's readers")
    int emails;

    @Option(names = "--campaign", description = "a recurring campaign to an imported audience instead of the REST intake")
    boolean campaign;

    @Option(names = "--due-in", defaultValue = "30", description = "seconds from now to the centre of the send times")
    int dueIn;

    @Option(names = "--spread", defaultValue = "10", description = "seconds the send times are spread over (1: all at once)")
    int spread;

    @Option(names = "--sender", defaultValue = "ses-local", description = "ses-local, smtp or blackhole")
    String sender;

    @Option(names = "--ses-url", defaultValue = "http://127.0.0.1:18005")
    String sesUrl;

    @Option(names = "--smtp-sink-url", defaultValue = "http://127.0.0.1:13080")
    String smtpSinkUrl;

    @Option(names = "--worker-url", description = "a worker's base URL (repeat); the blackhole count is read there")
    List<String> workerUrls = new ArrayList<>();

    @Option(names = "--ranger-url", description = "a ranger's base URL (repeat); the leader's range lag is shown")
    List<String> rangerUrls = new ArrayList<>();

    @Option(names = "--component", description = "NAME=URL of a component whose peak heap is reported (repeat)")
    Map<String, String> components = new LinkedHashMap<>();

    @Option(names = "--clients", defaultValue = "4", description = "concurrent intake clients")
    int clients;

    @Option(names = "--batch", defaultValue = "1000", description = "emails per intake request")
    int batch;

    @Option(names = "--timeout", defaultValue = "0", description = "seconds to wait for every outcome (0: due-in + spread + 120 + emails/1000)")
    long timeoutSeconds;

    @Option(names = "--progress-every", defaultValue = "1", description = "seconds between progress updates")
    long progressEvery;

    @Option(names = "--run", description = "run id (default: derived from the time)")
    String run;

    @Option(names = "--retry-for", defaultValue = "10", description = "seconds an intake request is retried on 429, 5xx or no answer")
    long retryForSeconds;

    @Option(names = "--faults", description = "file of injected faults (./postdate chaos): waited for, then added to the JSON line")
    Path faults;

    @Option(names = "--in-doubt-file", description = "write every email recorded in doubt here, with its receipt count")
    Path inDoubtFile;

    @Option(names = "--outcomes-marker", description = "create this file once every email has an outcome, before"
            + " waiting for the fault injector (./postdate chaos injects its last faults then)")
    Path outcomesMarker;

    private final PrintStream out = System.out;

    public static void main(String[] args) {
        System.exit(new CommandLine(new DemoCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (run == null) {
            run = Long.toString(System.currentTimeMillis(), 36);
        }
        Instant dueAt = Instant.now().plusSeconds(dueIn).truncatedTo(ChronoUnit.SECONDS);
        DemoPlan plan = new DemoPlan(run, dueAt, spread);
        // The campaign demo's excluded contacts follow its readers: the sink tells their receipts apart.
        int addressed = campaign ? CampaignDemo.contactsFor(emails) : emails;
        Sink sink = switch (sender) {
            case "ses-local" -> new SesEmulatorSink(sesUrl, plan, addressed);
            case "smtp" -> new SmtpSink(smtpSinkUrl, plan, addressed);
            case "blackhole" -> new BlackholeSink(workerUrls);
            default -> throw new CommandLine.ParameterException(new CommandLine(this), "--sender must be ses-local, smtp or blackhole");
        };
        try (ApplicationContext context = ToolContext.run(Map.of(
                "postdate.clickhouse.database", database,
                "postdate.clickhouse.migrate-on-start", false))) {
            TenantLedger ledger = new TenantLedger(context.getBean(ClickHouseSql.class), tenant);
            ApiClient api = new ApiClient(apiUrl, key, Duration.ofSeconds(60));
            sink.begin();
            return campaign ? runCampaign(api, context, plan, sink, ledger) : runIntake(api, plan, sink, ledger);
        }
    }

    private int runIntake(ApiClient api, DemoPlan plan, Sink sink, TenantLedger ledger) throws Exception {
        createTemplate(api);
        out.printf("demo %s: %,d emails for tenant %s, %s%n", plan.run(), emails, tenant, plan.describe());
        DemoIntake intake = new DemoIntake(api, plan, emails, batch, clients, Duration.ofSeconds(retryForSeconds));
        Watching watching = watch("accepted", intake::accepted, ledger);
        long started = System.nanoTime();
        intake.run();
        double intakeSeconds = (System.nanoTime() - started) / 1e9;
        cancelBatch(api, plan);
        return finish(watching, sink, ledger, intake.ids(), intake.accepted(), plan.firstScheduled(),
                "demo " + plan.run() + " (tenant " + tenant + ", sender " + sender + ")",
                (receipts, delivery) -> new RunReport(String.format(Locale.ROOT,
                        "in %.1f s, %,.0f emails/s through the REST API", intakeSeconds,
                        intake.accepted() / Math.max(0.001, intakeSeconds)),
                        "of batch " + plan.cancelledBatchId() + ", cancelled once the intake finished (its emails"
                                + " sent before that count as sent)", List.of(), Map.of(), true));
    }

    private int runCampaign(ApiClient api, ApplicationContext context, DemoPlan plan, Sink sink, TenantLedger ledger)
            throws Exception {
        out.printf("campaign demo %s: a daily campaign to %,d readers for tenant %s%n", plan.run(), emails, tenant);
        CampaignDemo demo = new CampaignDemo(api, context.getBean(JsonMapper.class), context.getBean(OccurrenceStore.class),
                plan, tenant, emails, out);
        CampaignDemo.Scheduled scheduled = demo.prepare(Duration.ofSeconds(dueIn));
        AtomicLong expanded = new AtomicLong();
        Watching watching = watch("expanded", expanded::get, ledger);
        CampaignDemo.Expansion expansion = demo.awaitExpansion(scheduled, ledger, expanded,
                scheduled.planned().plus(Duration.ofSeconds(timeout())));
        return finish(watching, sink, ledger, scheduled.ids(), expansion.emails(), scheduled.planned(),
                "campaign demo " + plan.run() + " (tenant " + tenant + ", sender " + sender + ", campaign "
                        + scheduled.campaignId() + ")",
                (receipts, delivery) -> {
                    long excluded = demo.excludedReceipts(receipts);
                    return new RunReport(expansion.describe(), "expired or cancelled: the campaign demo expects none",
                            List.of(String.format(Locale.ROOT, "timeliness   %s; the last email sent %.1f s after the"
                                            + " occurrence's planned time", expansion.timeliness(),
                                    delivery.burstMillis() / 1000.0),
                                    String.format(Locale.ROOT, "excluded     %,d mails reached the contacts the campaign"
                                            + " had to leave out (unsubscribed, no consent)", excluded)),
                            Map.of("expanded_ms", expansion.expandedMillis(), "visible_ms", expansion.visibleMillis(),
                                    "sent_within_ms", delivery.burstMillis(), "excluded_received", excluded,
                                    "dry_run_ms", scheduled.dryRunMillis()),
                            excluded == 0);
                });
    }

    /** What a run adds to the common summary. */
    private record RunReport(String acceptedNote, String cancelledNote, List<String> notes, Map<String, Long> extra,
                             boolean correct) {
    }

    private record Watching(DemoWatch watch, Thread thread, SinkPace sinkPace) {
    }

    private Watching watch(String label, LongSupplier accepted, TenantLedger ledger) {
        SinkPace sinkPace = new SinkPace(workerUrls);
        DemoWatch watch = new DemoWatch(ledger, label, accepted, emails, sinkPace, rangerUrls, components,
                new ProgressBoard(out, System.console() != null, 5), progressEvery);
        return new Watching(watch, Thread.ofPlatform().daemon().name("demo-progress").start(watch), sinkPace);
    }

    private long timeout() {
        return timeoutSeconds > 0 ? timeoutSeconds : dueIn + spread + 120 + emails / 1000;
    }

    /** Waits for every outcome (and the fault injector), then checks each email and prints the summary. */
    private int finish(Watching watching, Sink sink, TenantLedger ledger, String[] ids, long accepted, Instant burstFrom,
                       String title, BiFunction<Sink.Receipts, TenantLedger.Delivery, RunReport> report) throws Exception {
        long waitStarted = System.nanoTime();
        boolean finished = watching.watch().awaitOutcomes(Duration.ofSeconds(timeout()));
        if (outcomesMarker != null) {
            Files.writeString(outcomesMarker, finished ? "finished\n" : "timed out\n");
        }
        List<String> injected = List.of();
        if (faults != null) {
            out.printf("%nwaiting for the fault injector to finish%n");
            injected = new FaultLog(faults).await(Duration.ofSeconds(timeout()).minusNanos(System.nanoTime() - waitStarted));
        }
        watching.thread().interrupt();
        watching.thread().join();

        out.println();
        out.println(finished ? "every email has an outcome; checking each one against the sink"
                : "TIMED OUT after " + timeout() + " s waiting for outcomes; checking what there is");
        Map<String, EmailStatus> states = ledger.states();
        Sink.Receipts receipts = sink.receipts();
        Reconciliation.Counts counts = Reconciliation.of(ids, states, receipts);
        TenantLedger.Delivery delivery = ledger.delivery(burstFrom);
        double emailsPerSecond = delivery.burstEmailsPerSecond();
        RunReport run = report.apply(receipts, delivery);
        List<String> notes = new ArrayList<>(run.notes());
        String pace = watching.sinkPace().describe();
        if (!pace.isEmpty()) {
            notes.add("sink pace    " + pace);
        }
        boolean correct = counts.correct() && run.correct();

        new DemoReport(out).summary(title, accepted, run.acceptedNote(), run.cancelledNote(), counts, delivery,
                emailsPerSecond, watching.watch().peakHeaps(), FaultLog.inDoubtBound(injected), notes, correct);
        out.println(sink.where());
        out.println("the stack keeps running: ./postdate status shows it, ./postdate down stops it");
        if (inDoubtFile != null) {
            DemoReport.writeInDoubt(inDoubtFile, counts);
        }
        out.println(new DemoReport(out).json(accepted, counts, delivery, emailsPerSecond, injected,
                new TreeMap<>(run.extra())));
        return finished && correct ? 0 : 1;
    }

    private void createTemplate(ApiClient api) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        HttpResponse<String> response = api.post("/v1/templates", DemoPlan.templateJson());
        // A new key reaches a running api within its key refresh interval.
        while (response.statusCode() == 401 && System.nanoTime() < deadline) {
            Thread.sleep(500);
            response = api.post("/v1/templates", DemoPlan.templateJson());
        }
        if (response.statusCode() != 201) {
            throw new IllegalStateException("creating the demo template failed: " + response.statusCode() + " "
                    + DemoIntake.abbreviate(response.body()));
        }
    }

    private void cancelBatch(ApiClient api, DemoPlan plan) throws Exception {
        HttpResponse<String> response = api.post("/v1/batches/" + plan.cancelledBatchId() + "/cancel", "");
        if (response.statusCode() != 200) {
            throw new IllegalStateException("cancelling batch " + plan.cancelledBatchId() + " failed: "
                    + response.statusCode() + " " + DemoIntake.abbreviate(response.body()));
        }
        out.printf(Locale.ROOT, "%nbatch %s cancelled%n", plan.cancelledBatchId());
    }

    /** Samples a component's heap; used by the watch. */
    static double heapOf(String url) {
        return PrometheusScrape.of(url).heapUsedBytes().orElse(0);
    }
}
