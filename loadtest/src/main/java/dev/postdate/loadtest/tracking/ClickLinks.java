package dev.postdate.loadtest.tracking;

import dev.postdate.core.tracking.TrackingKeys;
import dev.postdate.core.tracking.TrackingToken;
import dev.postdate.core.tracking.TrackingTokens;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes click links as workers put them in emails, for ClickRedirectSimulation: one path per line
 * ({@code /c/<token>}), each for its own email of one batch, sealed with the keys the tracker under
 * test opens ({@code POSTDATE_TRACKING_KEYS}).
 *
 * <p>Usage: {@code ClickLinks <out.csv> <count> [batch]}
 */
public final class ClickLinks {

    private ClickLinks() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: ClickLinks <out.csv> <count> [batch]");
            System.exit(2);
        }
        String keys = System.getenv("POSTDATE_TRACKING_KEYS");
        TrackingTokens tokens = new TrackingTokens(TrackingKeys.parse(keys));
        int count = Integer.parseInt(args[1]);
        String batch = args.length > 2 ? args[2] : "bench-clicks-" + Long.toString(System.currentTimeMillis(), 36);
        Path out = Path.of(args[0]);
        Files.createDirectories(out.toAbsolutePath().getParent());
        try (PrintWriter writer = new PrintWriter(Files.newBufferedWriter(out, StandardCharsets.UTF_8))) {
            writer.println("path");
            for (int i = 0; i < count; i++) {
                writer.println("/c/" + tokens.seal(new TrackingToken(TrackingToken.Kind.CLICK, "bench", "bench-email-" + i,
                        batch, "reader-" + i + "@example.com", "", 1 + i % 3,
                        "https://shop.example.com/spring?item=" + (i % 50))));
            }
        }
        System.out.println(count + " click links of batch " + batch + " in " + out);
    }
}
