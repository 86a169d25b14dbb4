package dev.postdate.api.limits;

import dev.postdate.api.ApiSettings;
import jakarta.inject.Singleton;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The request body bytes the api holds at once, all requests together, against
 * {@code postdate.api.max-body-bytes-in-flight}: a bodies' worth of heap is reserved before a body
 * is read and returned when its request ends, however it ends.
 */
@Singleton
public class BodyBytesInFlight {

    private final long limit;
    private final AtomicLong reserved = new AtomicLong();

    public BodyBytesInFlight(ApiSettings settings) {
        this.limit = settings.maxBodyBytesInFlight();
    }

    /** Reserves {@code bytes}; false (nothing reserved) when that would pass the limit. */
    public boolean tryReserve(long bytes) {
        long current;
        do {
            current = reserved.get();
            if (current + bytes > limit) {
                return false;
            }
        } while (!reserved.compareAndSet(current, current + bytes));
        return true;
    }

    public void release(long bytes) {
        reserved.addAndGet(-bytes);
    }

    public long reserved() {
        return reserved.get();
    }
}
