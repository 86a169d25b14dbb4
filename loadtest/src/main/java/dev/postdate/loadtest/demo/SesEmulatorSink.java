package dev.postdate.loadtest.demo;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * aws-ses-v2-local (journaled: infra/local/ses/journaled.js) keeps every mail in memory and in its
 * journal, and lists them at {@code GET /store}. The demo clears it first (its memory grows with
 * every mail), then streams the list: 100,000 mails are far too many to hold as one parsed document.
 */
final class SesEmulatorSink implements Sink {

    private final HttpClient http = HttpClient.newHttpClient();
    private final String url;
    private final DemoPlan plan;
    private final int emails;

    SesEmulatorSink(String url, DemoPlan plan, int emails) {
        this.url = url;
        this.plan = plan;
        this.emails = emails;
    }

    @Override
    public void begin() throws IOException, InterruptedException {
        HttpResponse<String> cleared = http.send(HttpRequest.newBuilder(URI.create(url + "/clear-store"))
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (cleared.statusCode() != 200) {
            throw new IOException("the SES emulator at " + url + " did not clear its store: " + cleared.statusCode());
        }
    }

    @Override
    public Receipts receipts() throws IOException, InterruptedException {
        HttpResponse<InputStream> store = http.send(HttpRequest.newBuilder(URI.create(url + "/store"))
                .timeout(Duration.ofMinutes(5)).build(), HttpResponse.BodyHandlers.ofInputStream());
        MailboxReceipts tally = new MailboxReceipts(plan, emails);
        try (InputStream body = store.body(); JsonParser json = new JsonFactory().createParser(body)) {
            if (store.statusCode() != 200) {
                throw new IOException("the SES emulator's store answered " + store.statusCode());
            }
            readStore(json, tally);
        }
        return tally.receipts();
    }

    /** {"templates":{...},"emails":[{"destination":{"to":["..."]},"subject":"...",...}, ...]} */
    private static void readStore(JsonParser json, MailboxReceipts tally) throws IOException {
        json.nextToken();
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            String field = json.currentName();
            json.nextToken();
            if (!field.equals("emails")) {
                json.skipChildren();
                continue;
            }
            while (json.nextToken() == JsonToken.START_OBJECT) {
                readEmail(json, tally);
            }
        }
    }

    private static void readEmail(JsonParser json, MailboxReceipts tally) throws IOException {
        String to = null;
        String subject = null;
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            String field = json.currentName();
            JsonToken value = json.nextToken();
            if (field.equals("subject") && value == JsonToken.VALUE_STRING) {
                subject = json.getText();
            } else if (field.equals("destination") && value == JsonToken.START_OBJECT) {
                to = firstTo(json);
            } else {
                json.skipChildren();
            }
        }
        if (to != null) {
            tally.add(to, subject);
        }
    }

    private static String firstTo(JsonParser json) throws IOException {
        String to = null;
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            String field = json.currentName();
            JsonToken value = json.nextToken();
            if (field.equals("to") && value == JsonToken.START_ARRAY) {
                while (json.nextToken() != JsonToken.END_ARRAY) {
                    if (to == null) {
                        to = json.getText();
                    }
                }
            } else {
                json.skipChildren();
            }
        }
        return to;
    }

    @Override
    public String where() {
        return "the mail is in the SES emulator: open " + url + "/ in a browser (or GET " + url + "/store)";
    }
}
