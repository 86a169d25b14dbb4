package dev.postdate.core.retry;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BackoffTest {

    @Test
    void doublesUpToTheCapAndStartsOverAfterASuccess() {
        Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(1));
        assertEquals(Duration.ofMillis(200), backoff.afterFailure());
        assertEquals(Duration.ofMillis(400), backoff.afterFailure());
        assertEquals(Duration.ofMillis(800), backoff.afterFailure());
        assertEquals(Duration.ofSeconds(1), backoff.afterFailure());
        assertEquals(Duration.ofSeconds(1), backoff.afterFailure());
        backoff.reset();
        assertEquals(Duration.ofMillis(200), backoff.afterFailure());
    }

    @Test
    void theNthFailureWaitsWhatTheLoopWouldHaveWaited() {
        Backoff loop = new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(5));
        for (int failures = 1; failures <= 40; failures++) {
            assertEquals(loop.afterFailure(), Backoff.afterFailures(Duration.ofSeconds(10), Duration.ofMinutes(5), failures),
                    "failure " + failures);
        }
        assertEquals(Duration.ofMinutes(5), Backoff.afterFailures(Duration.ofSeconds(10), Duration.ofMinutes(5),
                Integer.MAX_VALUE));
        assertThrows(IllegalArgumentException.class,
                () -> Backoff.afterFailures(Duration.ofSeconds(1), Duration.ofSeconds(2), 0));
    }

    @Test
    void refusesACapBelowTheInitialWait() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
    }
}
