package dev.postdate.api.intake;

import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;

import java.util.concurrent.ExecutionException;

/** Waiting for pipelined Lettuce replies; the connection's command timeout bounds each wait. */
final class Redis {

    private Redis() {
    }

    static <T> T await(RedisFuture<T> reply) {
        try {
            return reply.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RedisCommandInterruptedException(e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RedisException redis ? redis : new RedisException(e.getCause());
        }
    }
}
