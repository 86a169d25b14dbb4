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
import java.util.UUID;
import java.util.function.Consumer;

/**
 * One file through {@code /v1/contacts/imports}: every part PUT in order under an import id chosen here
 * (so that the first part too is safe to send again), each cut at a record end and sent again on a
 * connection failure or a 503: the api answers a part it already imported as the import stands.
 */
public final class ImportUpload {

    /** What went wrong with a part that was not imported. */
    public static final class UploadFailed extends Exception {
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

    public ImportUpload(HttpClient http, JsonMapper json, String api, String key, int partBytes, int attempts) {
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
    public JsonNode upload(Path file, boolean csv, String types, PartListener afterPart, Consumer<String> notes)
            throws IOException, InterruptedException, UploadFailed {
        String mediaType = csv ? "text/csv" : "application/x-ndjson";
        JsonNode state = null;
        String path = "/v1/contacts/imports/" + UUID.randomUUID();
        long sent = 0;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            FileParts parts = new FileParts(in, partBytes, csv);
            int number = 0;
            for (byte[] part = parts.next(); part != null; part = parts.next()) {
                number++;
                String query = "?final=" + parts.isLast();
                if (number == 1 && types != null) {
                    query += "&types=" + URLEncoder.encode(types, StandardCharsets.UTF_8);
                }
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api + path + "/parts/" + number + query))
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(part));
                request.header("Authorization", "Bearer " + key).header("Content-Type", mediaType)
                        .timeout(Duration.ofMinutes(10));
                HttpResponse<String> response = send(request.build(), notes);
                if (response.statusCode() >= 300) {
                    throw new UploadFailed("part " + number + ": HTTP " + response.statusCode() + " " + response.body());
                }
                state = json.readValue(response.body(), JsonNode.class);
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
    public interface PartListener {
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
