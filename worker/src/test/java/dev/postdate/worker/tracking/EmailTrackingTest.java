package dev.postdate.worker.tracking;

import dev.postdate.core.email.Address;
import dev.postdate.core.email.EmailContent;
import dev.postdate.core.email.Tracking;
import dev.postdate.core.testing.TestEnvironment;
import dev.postdate.core.tracking.TrackingDefaults;
import dev.postdate.core.tracking.TrackingKeys;
import dev.postdate.core.tracking.TrackingSettings;
import dev.postdate.core.tracking.TrackingToken;
import dev.postdate.core.tracking.TrackingTokens;
import dev.postdate.core.tracking.UnsubscribeMailto;
import io.micronaut.context.env.DefaultEnvironment;
import io.micronaut.context.env.Environment;
import io.micronaut.context.env.PropertySource;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmailTrackingTest {

    private static final String BASE = "https://t.example.net";
    private static final String HTML = "<p>Hi <a href=\"https://shop.example.org/a?x=1&amp;y=2\">offer</a>"
            + " <a href=\"mailto:help@example.org\">help</a> <a href=\"#top\">top</a>"
            + " <a href=\"HTTP://example.org/b\" data-postdate-no-track>raw</a>"
            + " <a href=\"http://example.org/c\">c</a></p>";
    private final TrackingTokens tokens = new TrackingTokens(TrackingKeys.parse(TestEnvironment.TEST_TRACKING_KEYS));

    @Test
    void linksGoThroughTheTrackerAndAPixelCountsOpens() {
        EmailTracking.Tracked tracked = tracking(Map.of()).apply("e-1", "acme", "b-1", content(null, null), HTML, null, Map.of());
        Document document = Jsoup.parse(tracked.html());
        List<Element> links = document.select("a[href]");
        TrackingToken first = token(links.get(0).attr("href"), "/c/");
        assertEquals(new TrackingToken(TrackingToken.Kind.CLICK, "acme", "e-1", "b-1", "dora@example.com", "", 1,
                "https://shop.example.org/a?x=1&y=2"), first);
        assertEquals("mailto:help@example.org", links.get(1).attr("href"));
        assertEquals("#top", links.get(2).attr("href"));
        assertEquals("HTTP://example.org/b", links.get(3).attr("href"));
        assertFalse(links.get(3).hasAttr("data-postdate-no-track"));
        assertEquals(2, token(links.get(4).attr("href"), "/c/").link());
        Element pixel = document.select("img").last();
        TrackingToken open = token(pixel.attr("src"), "/o/");
        assertEquals(TrackingToken.Kind.OPEN, open.kind());
        assertEquals("e-1", open.emailId());
        assertTrue(tracked.headers().isEmpty(), "no List-Unsubscribe outside campaigns unless asked");
    }

    @Test
    void campaignEmailsCarryOneClickUnsubscribeNamingTheirTopic() {
        EmailTracking.Tracked tracked = tracking(Map.of()).apply("e-2", "acme", "campaign.c-1.4",
                content("news", null), "<p>Hi</p>", null, Map.of("X-Campaign", "spring"));
        assertEquals("spring", tracked.headers().get("X-Campaign"));
        assertEquals("List-Unsubscribe=One-Click", tracked.headers().get("List-Unsubscribe-Post"));
        String header = tracked.headers().get("List-Unsubscribe");
        assertTrue(header.startsWith("<" + BASE + "/u/") && header.endsWith(">"), header);
        TrackingToken unsubscribe = token(header.substring(1, header.length() - 1), "/u/");
        assertEquals(new TrackingToken(TrackingToken.Kind.UNSUBSCRIBE, "acme", "e-2", "campaign.c-1.4",
                "dora@example.com", "news", 0, ""), unsubscribe);
    }

    @Test
    void withAnUnsubscribeMailboxListUnsubscribeOffersMailtoWithTheSameToken() {
        EmailTracking.Tracked tracked = tracking(Map.of(), "unsubscribe@mail.example.net", false).apply("e-9", "acme",
                "campaign.c-1.2", content(null, null), "<p>Hi</p>", null, Map.of());
        Matcher header = Pattern.compile("<(https://[^>]+)>, <mailto:unsubscribe@mail\\.example\\.net\\?subject=([^>]+)>")
                .matcher(tracked.headers().get("List-Unsubscribe"));
        assertTrue(header.matches(), tracked.headers().get("List-Unsubscribe"));
        String token = UnsubscribeMailto.tokenOf("Re: " + header.group(2)).orElseThrow();
        assertEquals(header.group(1), BASE + "/u/" + token);
        assertEquals(TrackingToken.Kind.UNSUBSCRIBE, tokens.open(token).orElseThrow().kind());
    }

    @Test
    void textBodyUrlsAreTrackedWhenAskedAndNumberedAfterTheHtmlLinks() {
        String text = "Offer: https://shop.example.org/a?x=1&y=2. Help: mailto:help@example.org (or http://example.org/c)"
                + " and https://en.wikipedia.org/wiki/Foo_(bar).";
        EmailTracking.Tracked tracked = tracking(Map.of(), null, true).apply("e-10", "acme", "b-1", content(null, null),
                "<a href=\"https://shop.example.org/a?x=1&amp;y=2\">offer</a>", text, Map.of());
        Matcher urls = Pattern.compile(Pattern.quote(BASE) + "/c/[A-Za-z0-9_-]+").matcher(tracked.text());
        List<TrackingToken> found = new ArrayList<>();
        while (urls.find()) {
            found.add(token(urls.group(), "/c/"));
        }
        assertEquals(List.of("https://shop.example.org/a?x=1&y=2", "http://example.org/c", "https://en.wikipedia.org/wiki/Foo_(bar)"),
                found.stream().map(TrackingToken::url).toList(), tracked.text());
        assertEquals(List.of(2, 3, 4), found.stream().map(TrackingToken::link).toList(), "the HTML's link is 1");
        assertTrue(tracked.text().startsWith("Offer: " + BASE + "/c/") && tracked.text().contains(". Help: mailto:help@example.org (or ")
                && tracked.text().contains(") and " + BASE + "/c/") && tracked.text().endsWith("."), tracked.text());

        assertSame(text, tracking(Map.of()).apply("e-11", "acme", "b-1", content(null, null), null, text, Map.of()).text(),
                "off unless text-clicks");
    }

    @Test
    void theClientsOwnListUnsubscribeWins() {
        Map<String, String> own = Map.of("list-unsubscribe", "<mailto:off@example.org>");
        EmailTracking.Tracked tracked = tracking(Map.of()).apply("e-3", "acme", "campaign.c-1.1", content(null, null),
                "<p>Hi</p>", null, own);
        assertSame(own, tracked.headers());
    }

    @Test
    void switchesComeFromTheEmailThenTheTenantThenTheDeployment() {
        EmailTracking tracking = tracking(Map.of("postdate.tracking.tenants.quiet.opens", "false",
                "postdate.tracking.tenants.quiet.clicks", "false", "postdate.tracking.tenants.anon.anonymous", "true"));
        assertEquals("<p><a href=\"https://example.org/\">x</a></p>", Jsoup.parse(tracking.apply("e-4", "quiet", "",
                content(null, null), "<p><a href=\"https://example.org/\">x</a></p>", null, Map.of()).html()).body().html());
        String asked = tracking.apply("e-5", "quiet", "", content(null, new Tracking(null, true, null, true)),
                "<p><a href=\"https://example.org/\">x</a></p>", null, Map.of()).html();
        assertTrue(asked.contains(BASE + "/c/"));
        assertFalse(asked.contains(BASE + "/o/"));
        EmailTracking.Tracked anonymous = tracking.apply("e-6", "anon", "b-9", content(null, null),
                "<p><a href=\"https://example.org/\">x</a></p>", null, Map.of());
        TrackingToken click = token(Jsoup.parse(anonymous.html()).select("a").first().attr("href"), "/c/");
        assertEquals("", click.emailId());
        assertEquals("", click.recipient());
        assertEquals("b-9", click.batchId());
    }

    @Test
    void withoutABaseUrlNothingChanges() {
        EmailTracking off = new EmailTracking(new TrackingSettings(null, null, true, true, false, true, null, false),
                defaults(Map.of(), null));
        Map<String, String> headers = Map.of();
        EmailTracking.Tracked tracked = off.apply("e-7", "acme", "campaign.c.1", content(null, null), HTML, null, headers);
        assertSame(HTML, tracked.html());
        assertSame(headers, tracked.headers());
        assertNull(off.apply("e-8", "acme", "", content(null, null), null, null, headers).html());
    }

    @Test
    void onlyTheLinksChangeAndThePixelGoesBeforeTheBodyEnds() {
        String html = "<!DOCTYPE html>\n<HTML><Body class=x>\n  <!-- a comment -->  <A HREF=https://a.example.org/?q=1&amp;r=2 class=k>a</A>\n"
                + "<a data-postdate-no-track = 'yes' href=\"https://b.example.org\">b</a><a href='https://c.example.org' data-postdate-no-track=\"\">c</a>"
                + "<a data-postdate-no-track href=\"https://d.example.org\">d</a> &nbsp;&copy;\n</Body></HTML>\n";
        String tracked = tracking(Map.of()).apply("e-12", "acme", "b-1", content(null, null), html, null, Map.of()).html();

        Matcher click = Pattern.compile("HREF=\"(" + Pattern.quote(BASE) + "/c/[A-Za-z0-9_-]+)\"").matcher(tracked);
        assertTrue(click.find(), tracked);
        assertEquals("https://a.example.org/?q=1&r=2", token(click.group(1), "/c/").url());
        int pixel = tracked.indexOf("<img src=\"" + BASE + "/o/");
        assertTrue(pixel > 0, tracked);
        String pixelTag = tracked.substring(pixel, tracked.indexOf('>', pixel) + 1);
        String expected = html.replace("https://a.example.org/?q=1&amp;r=2", "\"" + click.group(1) + "\"")
                .replace(" data-postdate-no-track = 'yes'", "").replace(" data-postdate-no-track=\"\"", "")
                .replace(" data-postdate-no-track", "").replace("</Body>", pixelTag + "</Body>");
        assertEquals(expected, tracked, "everything but the links, the markers and the pixel as rendered");
    }

    @Test
    void aLinkTheParserReopensIsTrackedOnce() {
        for (String html : List.of(
                "<a href=\"https://a.example.org\"><p>one</a> two</p><a href=\"https://b.example.org\">b</a>",
                "<p><a href=\"https://a.example.org\">one<p>two</a><a href=\"https://b.example.org\">b</a>")) {
            String tracked = tracking(Map.of()).apply("e-13", "acme", "b-1", content(null, null), html, null, Map.of()).html();

            List<Element> links = Jsoup.parse(tracked).select("a[href^=" + BASE + "/c/]");
            assertEquals(List.of(1, 2), links.stream().map(a -> token(a.attr("href"), "/c/").link()).distinct().toList(),
                    "each link of the source numbered once, in order: " + tracked);
            assertEquals(List.of("https://a.example.org", "https://b.example.org"),
                    links.stream().map(a -> token(a.attr("href"), "/c/").url()).distinct().toList());
        }
    }

    @Test
    void thePixelIsTheBodysLastContentWhereverTheBodyEnds() {
        EmailTracking tracking = tracking(Map.of());
        Map<String, String> pages = Map.of(
                "<p>hi</p>", "<p>hi</p>%s",
                "<html><body>x</html>", "<html><body>x%s</html>",
                "<p>hi</p><!-- open", "<p>hi</p>%s<!-- open",
                "<p>hi</p><!-- closed -->", "<p>hi</p><!-- closed -->%s",
                "<p>hi</p><textarea>abc", "<p>hi</p>%s<textarea>abc",
                "<div><p>hi<script>var a", "<div><p>hi%s<script>var a");
        pages.forEach((html, expected) -> {
            String tracked = tracking.apply("e-14", "acme", "b-1", content(null, null), html, null, Map.of()).html();
            Element pixel = Jsoup.parse(tracked).select("img").last();
            assertTrue(pixel != null && pixel.attr("src").startsWith(BASE + "/o/"), tracked);
            String tag = tracked.substring(tracked.indexOf("<img "), tracked.indexOf('>', tracked.indexOf("<img ")) + 1);
            assertEquals(expected.formatted(tag), tracked);
        });
    }

    @Test
    void aRemovedMarkerLeavesItsNeighboursApart() {
        String html = "<a data-postdate-no-track=\"\"href=\"https://x.example.org\">x</a>"
                + "<a href=https://y.example.org/p data-postdate-no-track/>y</a>";
        String tracked = tracking(Map.of()).apply("e-15", "acme", "b-1", content(null, null), html, null, Map.of()).html();

        assertTrue(tracked.startsWith("<a href=\"https://x.example.org\">x</a><a href=https://y.example.org/p />y</a>"), tracked);
    }

    private TrackingToken token(String url, String path) {
        assertTrue(url.startsWith(BASE + path), url);
        return tokens.open(url.substring((BASE + path).length())).orElseThrow();
    }

    private static EmailContent content(String topic, Tracking tracking) {
        return new EmailContent(new Address("Dora@Example.com", "Dora"), new Address("news@example.org", null), null,
                "Hi", null, null, null, null, Map.of(), List.of(), topic, null, tracking);
    }

    private static EmailTracking tracking(Map<String, Object> tenants) {
        return tracking(tenants, null, false);
    }

    private static EmailTracking tracking(Map<String, Object> tenants, String mailto, boolean textClicks) {
        TrackingSettings settings = new TrackingSettings(URI.create(BASE + "/"), TestEnvironment.TEST_TRACKING_KEYS,
                true, true, false, false, mailto, textClicks);
        return new EmailTracking(settings, defaults(tenants, settings));
    }

    private static TrackingDefaults defaults(Map<String, Object> properties, TrackingSettings settings) {
        Environment environment = new DefaultEnvironment(() -> List.of("test"));
        environment.addPropertySource(PropertySource.of("test", properties));
        environment.start();
        return new TrackingDefaults(settings == null ? new TrackingSettings(null, null, true, true, false, true, null, false)
                : settings, environment);
    }
}
