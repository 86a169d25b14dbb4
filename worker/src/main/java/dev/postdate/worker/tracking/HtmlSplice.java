package dev.postdate.worker.tracking;

import org.jsoup.nodes.Comment;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Entities;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.Range;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Changes to an HTML source, made where a position-tracking jsoup parse found the elements and
 * attributes, and written into the source itself: everything else stays byte for byte as the template
 * rendered it, and the document is not serialized again (which cost as much as the parse). An element
 * the parser made up (a formatting element it reopened, an implied body) has no source of its own and
 * is left alone.
 */
final class HtmlSplice {

    private record Edit(int end, String text) {
    }

    /** Elements whose content is text to their end tag, so that a missing one swallows the rest. */
    private static final Set<String> RAW_TEXT = Set.of("script", "style", "title", "textarea", "xmp", "iframe",
            "noembed", "noframes", "noscript", "plaintext");

    /** Never changed after this, so shared by all threads (jsoup keeps no state in it while escaping). */
    private static final Document.OutputSettings ATTRIBUTE_VALUE = new Document.OutputSettings()
            .escapeMode(Entities.EscapeMode.xhtml);

    private final String source;
    /** By start offset; edits never overlap, as each is one attribute or one insertion point. */
    private final TreeMap<Integer, Edit> edits = new TreeMap<>();

    HtmlSplice(String source) {
        this.source = source;
    }

    /**
     * Whether the attribute has a non-empty value in the source that no edit changed yet: an element
     * the parser reopens (a link around a block it closed) shares its source attributes with the first.
     */
    boolean isEditable(Element element, String key) {
        Range value = element.attributes().sourceRange(key).valueRange();
        return value.isTracked() && value.endPos() > value.startPos() && !edits.containsKey(value.startPos());
    }

    /** Replaces the value of an {@link #isEditable editable} attribute. */
    void setValue(Element element, String key, String value) {
        Range range = element.attributes().sourceRange(key).valueRange();
        int start = range.startPos();
        boolean quoted = start > 0 && (source.charAt(start - 1) == '"' || source.charAt(start - 1) == '\'');
        String escaped = escape(value);
        edits.put(start, new Edit(range.endPos(), quoted ? escaped : '"' + escaped + '"'));
    }

    /**
     * Removes an attribute with the space before it, its value and the value's quotes (a space stays
     * where nothing else parts its neighbours); nothing when the attribute has no place in the source.
     */
    void remove(Element element, String key) {
        Range name = element.attributes().sourceRange(key).nameRange();
        if (!name.isTracked() || edits.containsKey(name.startPos())) {
            return;
        }
        int start = name.startPos();
        while (start > 0 && Character.isWhitespace(source.charAt(start - 1))) {
            start--;
        }
        int end = endOfAttribute(name.endPos());
        boolean parted = end >= source.length() || Character.isWhitespace(source.charAt(end))
                || source.charAt(end) == '>';
        edits.put(start, new Edit(end, parted ? "" : " "));
    }

    /**
     * Inserts HTML as the body's last content: before {@code </body>}, else before {@code </html>},
     * else at the end of the source, but before a comment, script, style, title or textarea left
     * open there, whose text it would otherwise become.
     */
    void appendToBody(Document document, String html) {
        int at = explicitEnd(document.body()).or(() -> explicitEnd(document.selectFirst("html")))
                .orElseGet(() -> openAtEnd(document.body()));
        edits.put(at, new Edit(at, html));
    }

    private static Optional<Integer> explicitEnd(Element element) {
        if (element == null) {
            return Optional.empty();
        }
        Range end = element.endSourceRange();
        return end.isTracked() && !end.isImplicit() ? Optional.of(end.startPos()) : Optional.empty();
    }

    private int openAtEnd(Element body) {
        Node last = body;
        while (last.childNodeSize() > 0) {
            last = last.childNode(last.childNodeSize() - 1);
            boolean openComment = last instanceof Comment && !source.endsWith("-->");
            boolean openText = last instanceof Element element && RAW_TEXT.contains(element.normalName())
                    && explicitEnd(element).isEmpty();
            if ((openComment || openText) && last.sourceRange().isTracked()) {
                return last.sourceRange().startPos();
            }
        }
        return source.length();
    }

    String result() {
        StringBuilder out = new StringBuilder(source.length() + 512);
        int copied = 0;
        for (Map.Entry<Integer, Edit> edit : edits.entrySet()) {
            out.append(source, copied, edit.getKey()).append(edit.getValue().text());
            copied = edit.getValue().end();
        }
        return out.append(source, copied, source.length()).toString();
    }

    /**
     * Where an attribute whose name ends at {@code from} ends: after its value and the value's closing
     * quote ({@code name}, {@code name=v}, {@code name = "v"}). The parser's value range leaves the
     * quotes out, and an empty quoted value has no range at all.
     */
    private int endOfAttribute(int from) {
        int at = skipSpace(from);
        if (at >= source.length() || source.charAt(at) != '=') {
            return from;
        }
        at = skipSpace(at + 1);
        if (at < source.length() && (source.charAt(at) == '"' || source.charAt(at) == '\'')) {
            int close = source.indexOf(source.charAt(at), at + 1);
            return close < 0 ? source.length() : close + 1;
        }
        while (at < source.length() && !Character.isWhitespace(source.charAt(at)) && source.charAt(at) != '>') {
            at++;
        }
        return at;
    }

    private int skipSpace(int from) {
        int at = from;
        while (at < source.length() && Character.isWhitespace(source.charAt(at))) {
            at++;
        }
        return at;
    }

    /**
     * A value for a quoted attribute. XHTML mode writes an apostrophe as {@code &#x27;}, which every
     * mail client's HTML engine reads, where the HTML5 {@code &apos;} is unknown to the older ones. It
     * drops what XML cannot hold (control characters but tab and line ends, lone surrogates): the values
     * are the tracker's URLs with their tokens, which have none.
     */
    static String escape(String value) {
        return Entities.escape(value, ATTRIBUTE_VALUE);
    }
}
