package dev.postdate.ingest;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IngestSettingsTest {

    @Test
    void aLeaseThatDoesNotOutliveTheInsertDeadlineAndItsCommitMarginIsRefused() {
        assertDoesNotThrow(() -> settings(Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(29)));
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> settings(Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(30)));
        assertThrows(IllegalArgumentException.class,
                () -> settings(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ZERO));
        assertTrue(refused.getMessage().contains("insert-commit-margin"));
    }

    private static IngestSettings settings(Duration lease, Duration insertTimeout, Duration commitMargin) {
        Duration second = Duration.ofSeconds(1);
        return new IngestSettings(true, 1, 1, second, second, Duration.ofSeconds(60), Duration.ofSeconds(20),
                lease, insertTimeout, commitMargin, second, second, Duration.ofDays(15), second);
    }
}
