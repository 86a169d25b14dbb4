package dev.postdate.worker.tracking;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.parser.Parser;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HtmlSpliceTest {

    private static final String VALUE = "https://t.example.net/c?a=1&b='2'&c=\"3\"<4>";

    @Test
    void aNewValueIsEscapedForTheQuotesItLandsIn() {
        String source = "<a href='x'>single</a><a href=\"y\">double</a><a href=z>bare</a>";
        Document document = Jsoup.parse(source, Parser.htmlParser().setTrackPosition(true));
        HtmlSplice splice = new HtmlSplice(source);
        for (Element anchor : document.select("a")) {
            splice.setValue(anchor, "href", VALUE);
        }
        String escaped = "https://t.example.net/c?a=1&amp;b=&#x27;2&#x27;&amp;c=&quot;3&quot;&lt;4&gt;";
        assertEquals("<a href='" + escaped + "'>single</a><a href=\"" + escaped + "\">double</a><a href=\""
                + escaped + "\">bare</a>", splice.result());
        for (Element anchor : Jsoup.parse(splice.result()).select("a")) {
            assertEquals(VALUE, anchor.attr("href"), anchor.text());
        }
    }
}
