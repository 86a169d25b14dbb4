package dev.postdate.deploy.grafana;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The metric names a PromQL expression reads. A tokenizer, not a parser: a metric name is an
 * identifier that is not followed by {@code (} (a function or an aggregation with its arguments),
 * is not a keyword or an aggregation operator, and stands outside label matchers {@code {...}}, range
 * and subquery brackets {@code [...]}, strings and the label lists of {@code by}, {@code without},
 * {@code on}, {@code ignoring}, {@code group_left} and {@code group_right}. Grafana variables
 * ({@code $namespace}, {@code ${job}}) and numbers or durations are skipped. Good enough for the
 * dashboard's expressions, and small enough to read; {@link PromQlTest} shows what it handles.
 */
final class PromQl {

    /** Followed by a parenthesised list of label names, never of metrics. */
    private static final Set<String> LABEL_LIST_KEYWORDS =
            Set.of("by", "without", "on", "ignoring", "group_left", "group_right");

    /**
     * Words that are never metrics even when no {@code (} follows: binary operators and modifiers, and
     * the aggregation operators, which may be followed by {@code by (...)} before their argument.
     */
    private static final Set<String> KEYWORDS = Set.of(
            "and", "or", "unless", "atan2", "bool", "offset", "inf", "nan",
            "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values",
            "bottomk", "topk", "quantile", "limitk", "limit_ratio");

    private PromQl() {
    }

    static Set<String> metricNames(String expr) {
        Set<String> names = new LinkedHashSet<>();
        int i = 0;
        while (i < expr.length()) {
            char c = expr.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                i = afterString(expr, i);
            } else if (c == '{') {
                i = afterBracket(expr, i, '}');
            } else if (c == '[') {
                i = afterBracket(expr, i, ']');
            } else if (c == '#') {
                int end = expr.indexOf('\n', i);
                i = end < 0 ? expr.length() : end;
            } else if (c == '$') {
                i = afterVariable(expr, i);
            } else if (Character.isDigit(c) || c == '.') {
                i = afterWord(expr, i);
            } else if (Character.isLetter(c) || c == '_' || c == ':') {
                int end = afterWord(expr, i);
                String word = expr.substring(i, end);
                int next = skipSpaces(expr, end);
                boolean parenthesis = next < expr.length() && expr.charAt(next) == '(';
                if (LABEL_LIST_KEYWORDS.contains(word.toLowerCase())) {
                    i = parenthesis ? afterBracket(expr, next, ')') : end;
                    continue;
                }
                if (!parenthesis && !KEYWORDS.contains(word.toLowerCase())) {
                    names.add(word);
                }
                i = end;
            } else {
                i++;
            }
        }
        return names;
    }

    private static int afterWord(String expr, int from) {
        int i = from;
        while (i < expr.length()) {
            char c = expr.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '_' || c == ':' || c == '.')) {
                break;
            }
            i++;
        }
        return i;
    }

    private static int skipSpaces(String expr, int from) {
        int i = from;
        while (i < expr.length() && Character.isWhitespace(expr.charAt(i))) {
            i++;
        }
        return i;
    }

    /** {@code $name}, {@code ${name}} or {@code ${name:format}}. */
    private static int afterVariable(String expr, int dollar) {
        if (dollar + 1 < expr.length() && expr.charAt(dollar + 1) == '{') {
            int close = expr.indexOf('}', dollar);
            return close < 0 ? expr.length() : close + 1;
        }
        return afterWord(expr, dollar + 1);
    }

    /** Past the closing bracket; strings inside may hold any bracket ({@code uri=~"/a{1,2}"}). */
    private static int afterBracket(String expr, int open, char close) {
        int i = open + 1;
        while (i < expr.length()) {
            char c = expr.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                i = afterString(expr, i);
            } else if (c == close) {
                return i + 1;
            } else {
                i++;
            }
        }
        return i;
    }

    private static int afterString(String expr, int quote) {
        char delimiter = expr.charAt(quote);
        int i = quote + 1;
        while (i < expr.length()) {
            char c = expr.charAt(i);
            if (c == '\\' && delimiter != '`') {
                i += 2;
            } else if (c == delimiter) {
                return i + 1;
            } else {
                i++;
            }
        }
        return i;
    }
}
