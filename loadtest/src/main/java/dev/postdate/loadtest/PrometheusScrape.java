package dev.postdate.loadtest;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads samples from a component's /prometheus page (text format), as an operator's scraper would. */
public final class PrometheusScrape {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String text;

    private PrometheusScrape(String text) {
        this.text = text;
    }

    /** The page of the component at this base URL, or empty when it does not answer. */
    public static PrometheusScrape of(String baseUrl) {
        try {
            return new PrometheusScrape(HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/prometheus"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body());
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return new PrometheusScrape("");
        }
    }

    /** The sum of every sample of this metric whose labels contain {@code labelPart} ("" for any). */
    public OptionalDouble sum(String metric, String labelPart) {
        Matcher m = Pattern.compile("^" + Pattern.quote(metric) + "(\\{[^}]*})?\\s+(\\S+)", Pattern.MULTILINE).matcher(text);
        double sum = 0;
        boolean found = false;
        while (m.find()) {
            String labels = m.group(1) == null ? "" : m.group(1);
            if (labels.contains(labelPart)) {
                sum += Double.parseDouble(m.group(2));
                found = true;
            }
        }
        return found ? OptionalDouble.of(sum) : OptionalDouble.empty();
    }

    /** Heap in use now (all heap pools). */
    public OptionalDouble heapUsedBytes() {
        return sum("jvm_memory_used_bytes", "area=\"heap\"");
    }
}
