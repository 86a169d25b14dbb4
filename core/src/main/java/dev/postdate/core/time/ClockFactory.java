package dev.postdate.core.time;

import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

import java.time.Clock;

/**
 * Every time-dependent decision (ranging, retries, leases) reads this clock, so tests replace it
 * with a fixed or stepped one instead of sleeping.
 */
@Factory
public class ClockFactory {

    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }
}
