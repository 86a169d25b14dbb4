package dev.postdate.loadtest.contacts;

import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * One file through {@code /v1/contacts/imports}: the first part POSTed, the others PUT in order, each
 * cut at a record end and sent again on a connection failure or a 503 (its rows are upserted, so a
 * repeat changes nothing).
 */
final class ImportUpload {

    /** What went wrong with a part that was not imported. */
    static final class UploadFailed extends Exception {
        UploadFailed(String message) {
            super(message);
        }
    }

    private final HttpClient http;
    private final JsonMapper json;
    private final String api;
    private final String key;
    private final int partBytes;
    private final int attempts;

    ImportUpload(HttpClient http, JsonMapper json, String api, String key, int partBytes, int attempts) {
        this.http = http;
        this.json = json;
        this.api = api;
        this.key = key;
        this.partBytes = partBytes;
        this.attempts = attempts;
    }

    /**
     * @param afterPart gets the bytes sent so far and the import's state after each part
     * @param notes     gets a line for each part sent again
     * @return the import's state after its last part
     */
    JsonNode upload(Path file, boolean csv, String types, PartListener afterPart, Consumer<String> notes)
            throws IOException, InterruptedException, UploadFailed {
        String mediaType = csv ? "text/csv" : "application/x-ndjson";
        JsonNode state = null;
        String path = null;
        long sent = 0;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            FileParts parts = new FileParts(in, partBytes, csv);
            int number = 0;
            for (byte[] part = parts.next(); part != null; part = parts.next()) {
                number++;
                String query = "?final=" + parts.isLast();
                HttpRequest.Builder request;
                if (number == 1) {
                    if (types != null) {
                        query += "&types=" + URLEncoder.encode(types, StandardCharsets.UTF_8);
                    }
                    request = HttpRequest.newBuilder(URI.create(api + "/v1/contacts/imports" + query))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(part));
                } else {
                    request = HttpRequest.newBuilder(URI.create(api + path + "/parts/" + number + query))
                            .PUT(HttpRequest.BodyPublishers.ofByteArray(part));
                }
                request.header("Authorization", "Bearer " + key).header("Content-Type", mediaType)
                        .timeout(Duration.ofMinutes(10));
                HttpResponse<String> response = send(request.build(), notes);
                if (response.statusCode() >= 300) {
                    throw new UploadFailed("part " + number + ": HTTP " + response.statusCode() + " " + response.body());
                }
                state = json.readValue(response.body(), JsonNode.class);
                if (number == 1) {
                    path = "/v1/contacts/imports/" + state.get("id").getStringValue();
                }
                sent += part.length;
                afterPart.accept(sent, state);
            }
        }
        if (state == null) {
            throw new UploadFailed(file + " is empty");
        }
        return state;
    }

    /** Progress after a part. */
    @FunctionalInterface
    interface PartListener {
        void accept(long bytesSent, JsonNode state);
    }

    private HttpResponse<String> send(HttpRequest request, Consumer<String> notes) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 503 || attempt == attempts) {
                    return response;
                }
                notes.accept("api unavailable (503), sending the part again");
            } catch (IOException e) {
                if (attempt == attempts) {
                    throw e;
                }
                notes.accept("sending the part failed (" + e.getMessage() + "), sending it again");
            }
            Thread.sleep(1000L * attempt);
        }
    }
}
