package dev.postdate.loadtest.contacts;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FilePartsTest {

    private static List<String> parts(String file, int target, boolean csv) throws IOException {
        FileParts parts = new FileParts(new ByteArrayInputStream(file.getBytes(StandardCharsets.UTF_8)), target, csv);
        List<String> out = new ArrayList<>();
        for (byte[] part = parts.next(); part != null; part = parts.next()) {
            out.add(new String(part, StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void csvPartsEndAtRecordEndsNeverInsideAQuotedCell() throws IOException {
        String file = "email,name\na@x.org,\"Line one\nline two\"\nb@x.org,\"Say \"\"hi\"\"\n\"\nc@x.org,C\n";
        for (int target = 1; target <= file.length() + 1; target++) {
            List<String> parts = parts(file, target, true);
            assertEquals(file, String.join("", parts), "target " + target);
            for (String part : parts) {
                assertTrue(part.endsWith("\n"), "target " + target + ": " + part);
                assertEquals(0, part.chars().filter(c -> c == '"').count() % 2, "target " + target + ": " + part);
            }
        }
    }

    @Test
    void ndjsonPartsEndAtLineEndsAndTheLastTakesWhatIsLeft() throws IOException {
        String file = "{\"a\":\"x\\\"y\"}\n{\"b\":2}\n{\"c\":3}";
        assertEquals(List.of("{\"a\":\"x\\\"y\"}\n", "{\"b\":2}\n", "{\"c\":3}"), parts(file, 1, false));
        assertEquals(List.of(file), parts(file, 1000, false));
    }

    @Test
    void isLastIsKnownBeforeThePartIsSent() throws IOException {
        ByteArrayOutputStream big = new ByteArrayOutputStream();
        for (int i = 0; i < 10_000; i++) {
            big.writeBytes(("row-" + i + "@example.com\n").getBytes(StandardCharsets.UTF_8));
        }
        FileParts parts = new FileParts(new ByteArrayInputStream(big.toByteArray()), 50_000, false);
        int count = 0;
        int total = 0;
        boolean sawLast = false;
        for (byte[] part = parts.next(); part != null; part = parts.next()) {
            count++;
            total += part.length;
            boolean last = parts.isLast();
            assertEquals(total == big.size(), last);
            sawLast |= last;
        }
        assertTrue(sawLast && count > 3, "parts: " + count);
    }
}
