package dev.postdate.core.template;

import io.micronaut.core.annotation.Nullable;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The input limits on an email's {@code data} ({@code max-data-depth}, {@code max-data-elements},
 * {@code max-data-bytes}): checked by the api when it accepts an email and again before each render,
 * since stored data may predate a limit. Without them one email's data could make a single filter
 * ({@code sort}, {@code join}) or one loop iteration run for long: the render budget is only checked
 * between iterations.
 * <p>
 * The data object itself is level 1; each value counts as one element (a list or object as well as
 * what it holds); bytes are the UTF-8 lengths of keys, strings and numbers as written.
 */
public final class DataLimits {

    /** A limit the data breaks: {@code path} is where, e.g. {@code data.x[0]}, or {@code data} for the whole. */
    public record Violation(String path, String reason) {
    }

    private final int maxDepth;
    private final int maxElements;
    private final int maxBytes;

    public DataLimits(TemplateSettings settings) {
        this.maxDepth = settings.maxDataDepth();
        this.maxElements = settings.maxDataElements();
        this.maxBytes = settings.maxDataBytes();
    }

    /** The first limit the data breaks; the walk stops there, so a huge value costs no more than the limits. */
    public Optional<Violation> check(@Nullable Map<String, Object> data) {
        if (data == null) {
            return Optional.empty();
        }
        Walk walk = new Walk();
        walk.value(data, new Step(null, "data"), 1);
        return Optional.ofNullable(walk.violation);
    }

    /** Where a value sits; spelled out only for a violation, so the walk builds no strings. */
    private record Step(@Nullable Step parent, Object name) {
        @Override
        public String toString() {
            String name = this.name instanceof Integer index ? "[" + index + "]" : (parent == null ? "" : ".") + this.name;
            return parent == null ? name : parent + name;
        }
    }

    private final class Walk {
        private long elements;
        private long bytes;
        private Violation violation;

        void value(Object value, Step path, int depth) {
            if (depth > maxDepth) {
                violation = new Violation(path.toString(), "data may be nested at most " + maxDepth + " levels deep");
            } else if (value instanceof Map<?, ?> map) {
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    String key = String.valueOf(entry.getKey());
                    bytes += utf8Length(key);
                    if (!counted()) {
                        return;
                    }
                    value(entry.getValue(), new Step(path, key), depth + 1);
                    if (violation != null) {
                        return;
                    }
                }
            } else if (value instanceof List<?> list) {
                int index = 0;
                for (Object element : list) {
                    if (!counted()) {
                        return;
                    }
                    value(element, new Step(path, index++), depth + 1);
                    if (violation != null) {
                        return;
                    }
                }
            } else if (value instanceof String text) {
                bytes += utf8Length(text);
            } else if (value instanceof Integer || value instanceof Long) {
                bytes += decimalLength(((Number) value).longValue());
            } else if (value instanceof Number number) {
                bytes += number.toString().length();
            }
            if (violation == null && bytes > maxBytes) {
                violation = new Violation("data", "data holds more than " + maxBytes
                        + " bytes of keys, strings and numbers");
            }
        }

        /** Counts one more element; false (with the violation set) once there are too many. */
        private boolean counted() {
            if (++elements > maxElements) {
                violation = new Violation("data", "data holds more than " + maxElements + " values");
                return false;
            }
            return true;
        }
    }

    /** Characters of the number in decimal, without writing it: most data numbers are integers. */
    private static int decimalLength(long value) {
        int length = value < 0 ? 2 : 1;
        for (long rest = Math.abs(value / 10); rest > 0; rest /= 10) {
            length++;
        }
        return length;
    }

    /** UTF-8 length without encoding: data strings reach here before every render. */
    private static long utf8Length(String text) {
        long length = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                length += 1;
            } else if (c < 0x800 || Character.isSurrogate(c)) {
                length += 2; // a surrogate pair's two halves: 4 bytes together
            } else {
                length += 3;
            }
        }
        return length;
    }
}
