package dev.postdate.loadtest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;

/** A tenant's view of a running api: authenticated JSON requests over HTTP/1.1, as clients send them. */
public final class ApiClient {

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .build();
    private final String url;
    private final String key;
    private final Duration timeout;

    public ApiClient(String url, String key, Duration timeout) {
        this.url = url;
        this.key = key;
        this.timeout = timeout;
    }

    public String url() {
        return url;
    }

    public String key() {
        return key;
    }

    public HttpResponse<String> post(String path, byte[] json) throws IOException, InterruptedException {
        return http.send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return post(path, json.getBytes(StandardCharsets.UTF_8));
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(url + path)).timeout(timeout).header("Authorization", "Bearer " + key);
    }
}
