package dev.postdate.worker.tracking;

import dev.postdate.core.campaign.CampaignSpec;
import dev.postdate.core.email.EmailContent;
import dev.postdate.core.email.Tracking;
import dev.postdate.core.tracking.TrackingDefaults;
import dev.postdate.core.tracking.TrackingKeys;
import dev.postdate.core.tracking.TrackingSettings;
import dev.postdate.core.tracking.TrackingToken;
import dev.postdate.core.tracking.TrackingTokens;
import dev.postdate.core.tracking.UnsubscribeMailto;
import jakarta.inject.Singleton;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.parser.Parser;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes a rendered email trackable (docs/tracking.md): its HTML links (and, with {@code text-clicks},
 * its text body's URLs) go through the tracker's redirect, a pixel counts opens, and campaign emails,
 * or those that ask, carry RFC 8058 one-click {@code List-Unsubscribe} headers (and a {@code mailto:}
 * where the deployment has an unsubscribe mailbox). Each link's token names the email, its batch and the link, sealed
 * so that only the tracker can read it. Off entirely without {@code postdate.tracking.base-url}.
 */
@Singleton
public class EmailTracking {

    /** What the email becomes: its HTML and text, and its headers with the unsubscribe ones added. */
    public record Tracked(String html, String text, Map<String, String> headers) {
    }

    /** Links longer than this stay as they are: the token would make the URL too long for some clients. */
    private static final int MAX_TRACKED_URL = 2000;
    /** A link with this attribute is left alone, and the attribute removed. */
    private static final String NO_TRACK = "data-postdate-no-track";
    /** A URL in a plain-text body: up to whitespace or what commonly closes it in prose. */
    private static final Pattern TEXT_URL = Pattern.compile("(?i)https?://[^\\s<>\"]+");
    /** Trailing characters that end the sentence around a URL rather than the URL itself. */
    private static final String TEXT_URL_TRAILERS = ".,;:!?'";
    /** Closing brackets end the URL only when it does not open them itself (Foo_(bar) keeps its own). */
    private static final String CLOSERS = ")]}";
    private static final String OPENERS = "([{";

    private final TrackingSettings settings;
    private final TrackingDefaults defaults;
    private final TrackingTokens tokens;

    public EmailTracking(TrackingSettings settings, TrackingDefaults defaults) {
        this.settings = settings;
        this.defaults = defaults;
        this.tokens = settings.enabled() ? new TrackingTokens(TrackingKeys.parse(settings.keys())) : null;
    }

    public Tracked apply(String emailId, String tenant, String batchId, EmailContent content, String html, String text,
                         Map<String, String> headers) {
        if (tokens == null) {
            return new Tracked(html, text, headers);
        }
        Tracking tracking = defaults.of(tenant, content.tracking());
        boolean anonymous = Boolean.TRUE.equals(tracking.anonymous());
        String recipient = content.to().email().toLowerCase(Locale.ROOT);
        Links links = new Links(tenant, anonymous ? "" : emailId, batchId, anonymous ? "" : recipient);
        boolean clicks = Boolean.TRUE.equals(tracking.clicks());
        String trackedHtml = html == null ? null : trackHtml(html, clicks, Boolean.TRUE.equals(tracking.opens()), links);
        String trackedText = text != null && clicks && settings.textClicks() ? trackText(text, links) : text;
        boolean campaign = batchId.startsWith(CampaignSpec.BATCH_PREFIX);
        if (!(campaign || Boolean.TRUE.equals(tracking.unsubscribe())) || hasListUnsubscribe(headers)) {
            return new Tracked(trackedHtml, trackedText, headers);
        }
        // The recipient's address is always in this token, anonymous or not: unsubscribing needs it.
        String token = tokens.seal(new TrackingToken(TrackingToken.Kind.UNSUBSCRIBE, tenant, emailId, batchId,
                recipient, content.topic() == null ? "" : content.topic(), 0, ""));
        String unsubscribe = "<" + settings.base() + "/u/" + token + ">";
        if (settings.offersMailto()) {
            unsubscribe += ", <" + UnsubscribeMailto.uri(settings.unsubscribeMailto(), token) + ">";
        }
        Map<String, String> withUnsubscribe = new LinkedHashMap<>(headers);
        withUnsubscribe.put("List-Unsubscribe", unsubscribe);
        withUnsubscribe.put("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        return new Tracked(trackedHtml, trackedText, withUnsubscribe);
    }

    private String trackHtml(String html, boolean clicks, boolean opens, Links links) {
        if (!clicks && !opens) {
            return html;
        }
        // Positions tracked, so that the changes go into the source (HtmlSplice) instead of a new serialization.
        Document document = Jsoup.parse(html, Parser.htmlParser().setTrackPosition(true));
        HtmlSplice splice = new HtmlSplice(html);
        if (clicks) {
            for (Element anchor : document.select("a[href]")) {
                if (anchor.hasAttr(NO_TRACK)) {
                    splice.remove(anchor, NO_TRACK);
                    continue;
                }
                String href = anchor.attr("href").trim();
                if (trackable(href) && splice.isEditable(anchor, "href")) {
                    splice.setValue(anchor, "href", links.click(href));
                }
            }
        }
        if (opens) {
            splice.appendToBody(document, "<img src=\"" + HtmlSplice.escape(links.open())
                    + "\" width=\"1\" height=\"1\" alt=\"\" style=\"border:0;width:1px;height:1px\">");
        }
        return splice.result();
    }

    /** The text body's URLs through the redirect, numbered after the HTML's links. */
    private String trackText(String text, Links links) {
        Matcher matcher = TEXT_URL.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (matcher.find()) {
            String url = matcher.group();
            int end = url.length();
            while (end > 0 && trailing(url.substring(0, end))) {
                end--;
            }
            String link = url.substring(0, end);
            String replacement = trackable(link) ? links.click(link) + url.substring(end) : url;
            matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private static boolean trailing(String url) {
        char last = url.charAt(url.length() - 1);
        int closer = CLOSERS.indexOf(last);
        if (closer < 0) {
            return TEXT_URL_TRAILERS.indexOf(last) >= 0;
        }
        char opener = OPENERS.charAt(closer);
        return url.chars().filter(c -> c == last).count() > url.chars().filter(c -> c == opener).count();
    }

    /** Seals one email's click and open tokens, numbering its links from 1 across its bodies. */
    private final class Links {
        private final String tenant;
        private final String emailId;
        private final String batchId;
        private final String recipient;
        private int count;

        Links(String tenant, String emailId, String batchId, String recipient) {
            this.tenant = tenant;
            this.emailId = emailId;
            this.batchId = batchId;
            this.recipient = recipient;
        }

        String click(String url) {
            count++;
            return settings.base() + "/c/" + tokens.seal(new TrackingToken(TrackingToken.Kind.CLICK, tenant, emailId,
                    batchId, recipient, "", count, url));
        }

        String open() {
            return settings.base() + "/o/" + tokens.seal(new TrackingToken(TrackingToken.Kind.OPEN, tenant, emailId,
                    batchId, recipient, "", 0, ""));
        }
    }

    private boolean trackable(String href) {
        String lower = href.toLowerCase(Locale.ROOT);
        return (lower.startsWith("https://") || lower.startsWith("http://")) && href.length() <= MAX_TRACKED_URL
                && !href.startsWith(settings.base() + "/");
    }

    /** The client's own List-Unsubscribe wins; header names compare without case. */
    private static boolean hasListUnsubscribe(Map<String, String> headers) {
        Map<String, String> names = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        names.putAll(headers);
        return names.containsKey("List-Unsubscribe");
    }
}
