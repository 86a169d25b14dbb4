package dev.postdate.tracker;

import dev.postdate.core.tracking.TrackingToken;
import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.loader.ClasspathLoader;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The small pages around unsubscribing, from Pebble templates in {@code tracker/} with HTML escaping
 * on: what a token names reaches them only escaped, and the address only masked ({@code j***@example.com}),
 * since a forwarded email's link shows the page to someone else.
 */
@Singleton
class UnsubscribePages {

    private final PebbleTemplate confirm;
    private final PebbleTemplate done;
    private final PebbleTemplate message;

    UnsubscribePages() {
        ClasspathLoader loader = new ClasspathLoader();
        loader.setPrefix("tracker");
        PebbleEngine engine = new PebbleEngine.Builder().loader(loader).autoEscaping(true).strictVariables(true)
                .cacheActive(true).build();
        this.confirm = engine.getTemplate("unsubscribe-confirm.peb");
        this.done = engine.getTemplate("unsubscribe-done.peb");
        this.message = engine.getTemplate("message.peb");
    }

    /** The GET page: a form that POSTs the unsubscribe, for the topic or for all mail. */
    String confirm(TrackingToken token) {
        return render(confirm, token, null);
    }

    String done(TrackingToken token, String scope) {
        return render(done, token, scope);
    }

    /** A page with one sentence: the link is not valid, or try again later. */
    String message(String title, String text) {
        Map<String, Object> context = new HashMap<>();
        context.put("title", title);
        context.put("text", text);
        return write(message, context);
    }

    private String render(PebbleTemplate template, TrackingToken token, String scope) {
        Map<String, Object> context = new HashMap<>();
        context.put("address", masked(token.recipient()));
        context.put("topic", token.topic());
        context.put("scope", scope == null ? "" : scope);
        return write(template, context);
    }

    private static String write(PebbleTemplate template, Map<String, Object> context) {
        StringWriter out = new StringWriter();
        try {
            template.evaluate(out, context);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    static String masked(String address) {
        int at = address.lastIndexOf('@');
        if (at <= 0) {
            return "***";
        }
        return address.charAt(0) + "***" + address.substring(at);
    }
}
