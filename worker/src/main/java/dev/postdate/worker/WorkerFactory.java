package dev.postdate.worker;

import dev.postdate.core.redis.RedisSettings;
import dev.postdate.worker.ratelimit.FleetRateLimiter;
import dev.postdate.worker.ratelimit.RateLimitSettings;
import dev.postdate.worker.send.BlackholeSender;
import dev.postdate.worker.send.SendPolicy;
import dev.postdate.worker.send.Sender;
import dev.postdate.worker.send.SesSender;
import dev.postdate.worker.send.SmtpSender;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.env.Environment;
import jakarta.inject.Singleton;

import java.util.Locale;

/** Picks the sender ({@code postdate.worker.sender}) and wires its retry policy and rate limit. */
@Factory
public class WorkerFactory {

    @Singleton
    @Bean(preDestroy = "close")
    SenderHolder senderHolder(WorkerSettings settings, BeanProvider<SesSettings> ses, BeanProvider<SmtpSettings> smtp,
                              MeterRegistry registry) {
        return switch (settings.sender().toLowerCase(Locale.ROOT)) {
            case "ses" -> new SenderHolder(new SesSender(ses.get()));
            case "smtp" -> new SenderHolder(new SmtpSender(smtp.get()));
            case "blackhole" -> new SenderHolder(countedBlackhole(registry));
            default -> throw new IllegalArgumentException("postdate.worker.sender must be ses, smtp or blackhole, not "
                    + settings.sender());
        };
    }

    /**
     * The blackhole's own count, beside {@code emails.sent}: the demo compares the two to find
     * duplicates, since a blackhole has no mailbox to inspect.
     */
    private static BlackholeSender countedBlackhole(MeterRegistry registry) {
        BlackholeSender blackhole = new BlackholeSender();
        FunctionCounter.builder("postdate.worker.blackhole.accepted", blackhole, BlackholeSender::accepted)
                .description("emails the blackhole sender accepted").register(registry);
        return blackhole;
    }

    @Singleton
    Sender sender(SenderHolder holder) {
        return holder.sender();
    }

    @Singleton
    SendPolicy sendPolicy(Sender sender, WorkerSettings settings, WorkerMetrics metrics) {
        return new SendPolicy(sender, settings, metrics::throttled);
    }

    @Singleton
    FleetRateLimiter rateLimiter(StatefulRedisConnection<String, String> redis, RedisSettings redisSettings,
                                 RateLimitSettings settings, Environment environment, Sender sender,
                                 WorkerSettings workerSettings) {
        return new FleetRateLimiter(redis, redisSettings, settings, FleetRateLimiter.tenantLimits(environment),
                sender.name(), workerSettings.instanceId());
    }

    /** Closes the sender's connections on shutdown, whichever it is. */
    public record SenderHolder(Sender sender) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            if (sender instanceof AutoCloseable closeable) {
                closeable.close();
            }
        }
    }
}
