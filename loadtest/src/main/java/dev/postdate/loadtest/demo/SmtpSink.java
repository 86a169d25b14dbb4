package dev.postdate.loadtest.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The demo's SMTP server ({@link SmtpSinkServer}), read over its HTTP side. */
final class SmtpSink implements Sink {

    private final HttpClient http = HttpClient.newHttpClient();
    private final String url;
    private final DemoPlan plan;
    private final int emails;

    SmtpSink(String url, DemoPlan plan, int emails) {
        this.url = url;
        this.plan = plan;
        this.emails = emails;
    }

    @Override
    public void begin() throws IOException, InterruptedException {
        http.send(HttpRequest.newBuilder(URI.create(url + "/clear")).POST(HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.discarding());
    }

    @Override
    public Receipts receipts() throws IOException, InterruptedException {
        HttpResponse<InputStream> received = http.send(HttpRequest.newBuilder(URI.create(url + "/received"))
                .timeout(Duration.ofMinutes(5)).build(), HttpResponse.BodyHandlers.ofInputStream());
        MailboxReceipts tally = new MailboxReceipts(plan, emails);
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(received.body(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                int tab = line.indexOf('\t');
                tally.add(line.substring(0, Math.max(0, tab)), tab < 0 ? null : line.substring(tab + 1));
            }
        }
        return tally.receipts();
    }

    @Override
    public String where() {
        return "the mail is in the demo's SMTP server (GreenMail): GET " + url + "/received lists it";
    }
}
