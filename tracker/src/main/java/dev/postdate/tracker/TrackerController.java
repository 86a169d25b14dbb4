package dev.postdate.tracker;

import dev.postdate.core.tracking.TrackingEvent;
import dev.postdate.core.tracking.TrackingToken;
import dev.postdate.core.tracking.TrackingTokens;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;

import java.time.Clock;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The links in sent emails (docs/tracking.md). A token that does not open (changed, foreign, sealed
 * with a retired key) is a 404 that redirects nowhere: the tracker is no open redirector. Every
 * answer that counts something comes after its event is on the tracking queue; when SQS does not
 * take it in time, the answer is a 503 and nothing is counted.
 */
@Controller
public class TrackerController {

    /** The smallest transparent GIF. */
    private static final byte[] PIXEL = Base64.getDecoder().decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");
    private static final String PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'";

    private final TrackingTokens tokens;
    private final TrackingEventPublisher publisher;
    private final UnsubscribePages pages;
    private final TrackerSettings settings;
    private final TrackerMetrics metrics;
    private final Clock clock;

    public TrackerController(TrackingTokens tokens, TrackingEventPublisher publisher, UnsubscribePages pages,
                             TrackerSettings settings, TrackerMetrics metrics, Clock clock) {
        this.tokens = tokens;
        this.publisher = publisher;
        this.pages = pages;
        this.settings = settings;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Get("/c/{token}")
    CompletableFuture<MutableHttpResponse<?>> click(HttpRequest<?> request, @PathVariable String token) {
        Optional<TrackingToken> opened = open(token, TrackingToken.Kind.CLICK);
        if (opened.isEmpty()) {
            return invalid("click");
        }
        TrackingToken t = opened.get();
        return counted(request, "click", event(TrackingEvent.CLICKED, t, ""),
                () -> noStore(HttpResponse.status(HttpStatus.FOUND).header("Location", t.url())
                        .header("Referrer-Policy", "no-referrer")));
    }

    @Get("/o/{token}")
    CompletableFuture<MutableHttpResponse<?>> open(HttpRequest<?> request, @PathVariable String token) {
        Optional<TrackingToken> opened = open(token, TrackingToken.Kind.OPEN);
        if (opened.isEmpty()) {
            return invalid("open");
        }
        return counted(request, "open", event(TrackingEvent.OPENED, opened.get(), ""),
                () -> noStore(HttpResponse.ok(PIXEL).contentType(MediaType.IMAGE_GIF_TYPE)));
    }

    /** The confirmation page: nothing is counted on a GET, which link scanners and previews make too. */
    @Get(value = "/u/{token}", produces = MediaType.TEXT_HTML)
    CompletableFuture<MutableHttpResponse<?>> unsubscribePage(@PathVariable String token) {
        Optional<TrackingToken> opened = open(token, TrackingToken.Kind.UNSUBSCRIBE);
        if (opened.isEmpty()) {
            return invalid("unsubscribe_page");
        }
        metrics.request("unsubscribe_page", "ok");
        return CompletableFuture.completedFuture(page(HttpResponse.ok(pages.confirm(opened.get()))));
    }

    /**
     * RFC 8058 one-click (body {@code List-Unsubscribe=One-Click}, from the mailbox provider) and the
     * confirmation page's form ({@code scope=topic|all}) alike: unsubscribed at once, no login, no page
     * in between. Without a topic in the token, or with {@code scope=all}, from all the tenant's mail.
     */
    @Post(value = "/u/{token}", consumes = {MediaType.APPLICATION_FORM_URLENCODED, MediaType.MULTIPART_FORM_DATA,
            MediaType.TEXT_PLAIN}, produces = MediaType.TEXT_HTML)
    CompletableFuture<MutableHttpResponse<?>> unsubscribe(HttpRequest<?> request, @PathVariable String token,
                                                          @Nullable String scope) {
        Optional<TrackingToken> opened = open(token, TrackingToken.Kind.UNSUBSCRIBE);
        if (opened.isEmpty()) {
            return invalid("unsubscribe");
        }
        TrackingToken t = opened.get();
        String reach = TrackingEvent.unsubscribeScope(t, TrackingEvent.SCOPE_ALL.equals(scope));
        return counted(request, "unsubscribe", event(TrackingEvent.UNSUBSCRIBED, t, reach),
                () -> page(HttpResponse.ok(pages.done(t, reach))));
    }

    private Optional<TrackingToken> open(String token, TrackingToken.Kind kind) {
        return tokens.open(token).filter(t -> t.kind() == kind);
    }

    private TrackingEvent event(String type, TrackingToken t, String scope) {
        return TrackingEvent.of(UUID.randomUUID().toString(), type, t, scope, clock.millis());
    }

    /**
     * The answer once the event is on the queue. A HEAD (Micronaut serves it with the GET's handler),
     * which link scanners and previews send, gets the same answer and counts nothing.
     */
    private CompletableFuture<MutableHttpResponse<?>> counted(HttpRequest<?> request, String kind, TrackingEvent event,
                                                             Supplier<MutableHttpResponse<?>> answer) {
        if (request.getMethod() == HttpMethod.HEAD) {
            metrics.request(kind, "head");
            return CompletableFuture.completedFuture(answer.get());
        }
        return publisher.publish(event)
                .orTimeout(settings.publishTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .handle((ok, failure) -> {
                    if (failure != null) {
                        metrics.request(kind, "unavailable");
                        return page(HttpResponse.status(HttpStatus.SERVICE_UNAVAILABLE)
                                .header("Retry-After", "5")
                                .body(pages.message("Please try again", "This link could not be followed just now.")));
                    }
                    metrics.request(kind, "ok");
                    return answer.get();
                });
    }

    private CompletableFuture<MutableHttpResponse<?>> invalid(String kind) {
        metrics.request(kind, "invalid_token");
        return CompletableFuture.completedFuture(page(HttpResponse.status(HttpStatus.NOT_FOUND)
                .body(pages.message("Link not valid", "This link is not valid or no longer works."))));
    }

    private static MutableHttpResponse<?> page(MutableHttpResponse<?> response) {
        return noStore(response.contentType(MediaType.TEXT_HTML_TYPE).header("Content-Security-Policy", PAGE_POLICY));
    }

    private static MutableHttpResponse<?> noStore(MutableHttpResponse<?> response) {
        return response.header("Cache-Control", "no-store").header("X-Robots-Tag", "noindex");
    }
}
