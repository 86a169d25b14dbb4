package dev.postdate.worker.tracking;

import org.jsoup.nodes.Element;
import org.jsoup.nodes.Range;

import java.util.Map;
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

    private final String source;
    /** By start offset; edits never overlap, as each is one attribute or one insertion point. */
    private final TreeMap<Integer, Edit> edits = new TreeMap<>();

    HtmlSplice(String source) {
        this.source = source;
    }

    /** Whether the attribute has a non-empty value in the source, where {@link #setValue} can replace it. */
    static boolean hasSourceValue(Element element, String key) {
        Range value = element.attributes().sourceRange(key).valueRange();
        return value.isTracked() && value.endPos() > value.startPos();
    }

    /** Replaces the value of an attribute {@link #hasSourceValue found in the source}. */
    void setValue(Element element, String key, String value) {
        Range range = element.attributes().sourceRange(key).valueRange();
        int start = range.startPos();
        boolean quoted = start > 0 && (source.charAt(start - 1) == '"' || source.charAt(start - 1) == '\'');
        String escaped = escape(value);
        edits.put(start, new Edit(range.endPos(), quoted ? escaped : '"' + escaped + '"'));
    }

    /**
     * Removes an attribute with the space before it, its value and the value's quotes; nothing when
     * the attribute has no place in the source.
     */
    void remove(Element element, String key) {
        Range name = element.attributes().sourceRange(key).nameRange();
        if (!name.isTracked()) {
            return;
        }
        int start = name.startPos();
        while (start > 0 && Character.isWhitespace(source.charAt(start - 1))) {
            start--;
        }
        edits.put(start, new Edit(endOfAttribute(name.endPos()), ""));
    }

    /** Inserts HTML right before the element's end tag, or at the end of the source when it has none. */
    void insertBeforeEnd(Element element, String html) {
        Range end = element.endSourceRange();
        int at = end.isTracked() ? end.startPos() : source.length();
        edits.put(at, new Edit(at, html));
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

    /** A value for a double-quoted attribute. */
    static String escape(String value) {
        StringBuilder out = new StringBuilder(value.length() + 16);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
