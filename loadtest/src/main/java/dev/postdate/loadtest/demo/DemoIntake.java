package dev.postdate.loadtest.demo;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.postdate.loadtest.ApiClient;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Schedules the plan's emails through {@code POST /v1/emails/batch} from several clients, keeping
 * the id the api gave each one. A request that fails or gets a 429 or 5xx is sent again, as a careful
 * client does, for up to the retry budget: each email carries an idempotency key, so a retry of a
 * request the api did accept returns the same ids and schedules nothing twice. After that the demo ends.
 */
final class DemoIntake {

    private static final JsonFactory JSON = new JsonFactory();
    private static final long RETRY_PAUSE_MS = 1_000;
    private static final long MAX_RETRY_PAUSE_MS = 5_000;

    private final ApiClient api;
    private final DemoPlan plan;
    private final int batch;
    private final int clients;
    private final Duration retryFor;
    private final String[] ids;
    private final AtomicLong accepted = new AtomicLong();

    DemoIntake(ApiClient api, DemoPlan plan, int emails, int batch, int clients, Duration retryFor) {
        this.api = api;
        this.plan = plan;
        this.batch = batch;
        this.clients = clients;
        this.retryFor = retryFor;
        this.ids = new String[emails];
    }

    long accepted() {
        return accepted.get();
    }

    /** Email ids by index, complete once {@link #run} returned. */
    String[] ids() {
        return ids;
    }

    void run() throws Exception {
        int requests = (ids.length + batch - 1) / batch;
        AtomicInteger next = new AtomicInteger();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?>[] running = new Future<?>[clients];
            for (int c = 0; c < clients; c++) {
                running[c] = pool.submit(() -> {
                    for (int r; (r = next.getAndIncrement()) < requests; ) {
                        send(r * batch, Math.min(ids.length, (r + 1) * batch));
                    }
                    return null;
                });
            }
            for (Future<?> client : running) {
                client.get();
            }
        }
    }

    private void send(int from, int to) throws IOException, InterruptedException {
        StringBuilder json = new StringBuilder((to - from) * 600).append("{\"emails\":[");
        for (int i = from; i < to; i++) {
            if (i > from) {
                json.append(',');
            }
            plan.appendEmail(json, i);
        }
        String body = json.append("]}").toString();
        String failure = "";
        long deadline = System.nanoTime() + retryFor.toNanos();
        for (int attempt = 1; attempt == 1 || System.nanoTime() < deadline; attempt++) {
            try {
                HttpResponse<String> response = api.post("/v1/emails/batch", body);
                if (response.statusCode() == 202) {
                    readIds(response.body(), from, to);
                    accepted.addAndGet(to - from);
                    return;
                }
                failure = response.statusCode() + " " + abbreviate(response.body());
                if (response.statusCode() < 500 && response.statusCode() != 429) {
                    break;
                }
            } catch (IOException e) {
                failure = e.toString();
            }
            Thread.sleep(Math.min(MAX_RETRY_PAUSE_MS, RETRY_PAUSE_MS * attempt));
        }
        throw new IOException("the api did not accept emails " + from + ".." + (to - 1) + ": " + failure);
    }

    private void readIds(String body, int from, int to) throws IOException {
        int i = from;
        try (JsonParser json = JSON.createParser(body)) {
            while (json.nextToken() != null) {
                if (json.currentToken() == JsonToken.FIELD_NAME && json.currentName().equals("ids")) {
                    json.nextToken();
                    while (json.nextToken() == JsonToken.VALUE_STRING) {
                        ids[i++] = json.getText();
                    }
                }
            }
        }
        if (i != to) {
            throw new IOException("the api answered " + (i - from) + " ids for " + (to - from) + " emails");
        }
    }

    static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
