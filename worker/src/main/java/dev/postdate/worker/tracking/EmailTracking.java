package dev.postdate.worker.tracking;

import dev.postdate.core.campaign.CampaignSpec;
import dev.postdate.core.email.EmailContent;
import dev.postdate.core.email.Tracking;
import dev.postdate.core.tracking.TrackingDefaults;
import dev.postdate.core.tracking.TrackingKeys;
import dev.postdate.core.tracking.TrackingSettings;
import dev.postdate.core.tracking.TrackingToken;
import dev.postdate.core.tracking.TrackingTokens;
import jakarta.inject.Singleton;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Makes a rendered email trackable (docs/tracking.md): its HTML links go through the tracker's
 * redirect, a pixel counts opens, and campaign emails, or those that ask, carry RFC 8058 one-click
 * {@code List-Unsubscribe} headers. Each link's token names the email, its batch and the link, sealed
 * so that only the tracker can read it. Off entirely without {@code postdate.tracking.base-url}.
 */
@Singleton
public class EmailTracking {

    /** What the email becomes: its HTML, and its headers with the unsubscribe ones added. */
    public record Tracked(String html, Map<String, String> headers) {
    }

    /** Links longer than this stay as they are: the token would make the URL too long for some clients. */
    private static final int MAX_TRACKED_URL = 2000;
    /** A link with this attribute is left alone, and the attribute removed. */
    private static final String NO_TRACK = "data-postdate-no-track";

    private final TrackingSettings settings;
    private final TrackingDefaults defaults;
    private final TrackingTokens tokens;

    public EmailTracking(TrackingSettings settings, TrackingDefaults defaults) {
        this.settings = settings;
        this.defaults = defaults;
        this.tokens = settings.enabled() ? new TrackingTokens(TrackingKeys.parse(settings.keys())) : null;
    }

    public Tracked apply(String emailId, String tenant, String batchId, EmailContent content, String html,
                         Map<String, String> headers) {
        if (tokens == null) {
            return new Tracked(html, headers);
        }
        Tracking tracking = defaults.of(tenant, content.tracking());
        boolean anonymous = Boolean.TRUE.equals(tracking.anonymous());
        String recipient = content.to().email().toLowerCase(Locale.ROOT);
        String trackedId = anonymous ? "" : emailId;
        String trackedRecipient = anonymous ? "" : recipient;
        String trackedHtml = html;
        boolean clicks = Boolean.TRUE.equals(tracking.clicks());
        boolean opens = Boolean.TRUE.equals(tracking.opens());
        if (html != null && (clicks || opens)) {
            Document document = Jsoup.parse(html);
            document.outputSettings().prettyPrint(false);
            if (clicks) {
                int link = 0;
                for (Element anchor : document.select("a[href]")) {
                    if (anchor.hasAttr(NO_TRACK)) {
                        anchor.removeAttr(NO_TRACK);
                        continue;
                    }
                    String href = anchor.attr("href").trim();
                    if (!trackable(href)) {
                        continue;
                    }
                    link++;
                    anchor.attr("href", settings.base() + "/c/" + tokens.seal(new TrackingToken(
                            TrackingToken.Kind.CLICK, tenant, trackedId, batchId, trackedRecipient, "", link, href)));
                }
            }
            if (opens) {
                document.body().appendElement("img")
                        .attr("src", settings.base() + "/o/" + tokens.seal(new TrackingToken(
                                TrackingToken.Kind.OPEN, tenant, trackedId, batchId, trackedRecipient, "", 0, "")))
                        .attr("width", "1").attr("height", "1").attr("alt", "")
                        .attr("style", "border:0;width:1px;height:1px");
            }
            trackedHtml = document.outerHtml();
        }
        boolean campaign = batchId.startsWith(CampaignSpec.BATCH_PREFIX);
        if (!(campaign || Boolean.TRUE.equals(tracking.unsubscribe())) || hasListUnsubscribe(headers)) {
            return new Tracked(trackedHtml, headers);
        }
        // The recipient's address is always in this token, anonymous or not: unsubscribing needs it.
        String token = tokens.seal(new TrackingToken(TrackingToken.Kind.UNSUBSCRIBE, tenant, emailId, batchId,
                recipient, content.topic() == null ? "" : content.topic(), 0, ""));
        Map<String, String> withUnsubscribe = new LinkedHashMap<>(headers);
        withUnsubscribe.put("List-Unsubscribe", "<" + settings.base() + "/u/" + token + ">");
        withUnsubscribe.put("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        return new Tracked(trackedHtml, withUnsubscribe);
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
