package dev.postdate.api.limits;

import dev.postdate.api.ApiSettings;
import dev.postdate.api.problem.ProblemResponses;
import dev.postdate.api.problem.ProblemType;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.convert.format.ReadableBytes;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Filter;
import io.micronaut.http.filter.HttpServerFilter;
import io.micronaut.http.filter.ServerFilterChain;
import io.micronaut.http.filter.ServerFilterPhase;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Bounds the heap that request bodies take: before a body is read, its size is reserved in
 * {@link BodyBytesInFlight} (its Content-Length, or the largest request allowed when the body comes
 * chunked and its size is not known ahead), and released when the request ends, answered, failed or
 * cut off. When the reservation does not fit, the request gets 503 with Retry-After before a byte of
 * its body is read: clients back off instead of the api running out of memory. Runs after
 * authentication, so that requests without a valid key reserve nothing.
 */
@Filter("/v1/**")
public class BodyBytesLimitFilter implements HttpServerFilter {

    private final BodyBytesInFlight inFlight;
    private final ProblemResponses problems;
    private final long maxRequestBytes;
    private final String retryAfterSeconds;

    public BodyBytesLimitFilter(BodyBytesInFlight inFlight, ProblemResponses problems, ApiSettings settings,
                                @Value("${micronaut.server.max-request-size}") @ReadableBytes long maxRequestBytes) {
        this.inFlight = inFlight;
        this.problems = problems;
        this.maxRequestBytes = maxRequestBytes;
        this.retryAfterSeconds = Long.toString(Math.max(1, settings.bodyBytesRetryAfter().toSeconds()));
    }

    @Override
    public Publisher<MutableHttpResponse<?>> doFilter(HttpRequest<?> request, ServerFilterChain chain) {
        long bytes = bodyBytes(request);
        if (bytes == 0) {
            return chain.proceed(request);
        }
        if (!inFlight.tryReserve(bytes)) {
            return Mono.just(problems.of(ProblemType.UNAVAILABLE,
                            "Too many request bodies in flight; retry after the Retry-After delay", List.of())
                    .header(HttpHeaders.RETRY_AFTER, retryAfterSeconds));
        }
        AtomicBoolean released = new AtomicBoolean();
        return Flux.from(chain.proceed(request)).doFinally(signal -> {
            if (released.compareAndSet(false, true)) {
                inFlight.release(bytes);
            }
        });
    }

    /** What the body may take: its declared length (capped: more is refused with 413 anyway), or the most a request may be. */
    private long bodyBytes(HttpRequest<?> request) {
        long declared = request.getContentLength();
        if (declared >= 0) {
            return Math.min(declared, maxRequestBytes);
        }
        return request.getHeaders().contains(HttpHeaders.TRANSFER_ENCODING) ? maxRequestBytes : 0;
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.after();
    }
}
