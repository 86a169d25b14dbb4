package dev.postdate.ranger;

/**
 * The arrival horizon: every email with {@code seq <=} this value is visible in ClickHouse, and no
 * email with such a seq can still appear. The ranger never covers beyond it.
 */
@FunctionalInterface
public interface SeqHorizon {

    long current();
}
