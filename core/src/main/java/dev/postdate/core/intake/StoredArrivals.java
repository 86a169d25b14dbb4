package dev.postdate.core.intake;

/** What the durable store (ClickHouse) knows of the arrival sequence. */
@FunctionalInterface
public interface StoredArrivals {

    /** The highest seq of any stored email, 0 when none is stored. */
    long maxStoredSeq();
}
