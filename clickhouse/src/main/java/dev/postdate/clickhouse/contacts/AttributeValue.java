package dev.postdate.clickhouse.contacts;

import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/** A typed contact attribute; audience rules compare values of one type only. */
public sealed interface AttributeValue {

    /** An attribute's name: 1 to 64 of A-Z a-z 0-9 _, not starting with a digit. */
    Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

    /** The type's name in stored JSON and in the API's documentation. */
    String type();

    /**
     * The value as templates see it: a string, number (a whole one as a long, so that 100 renders
     * "100", not "100.0"), boolean, RFC 3339 string or list of strings.
     */
    default Object plain() {
        return switch (this) {
            case Text text -> text.value();
            case Number number -> number.value() == Math.rint(number.value()) && Math.abs(number.value()) < 1e15
                    ? (Object) (long) number.value() : number.value();
            case Flag flag -> flag.value();
            case Time time -> time.value().toString();
            case Texts texts -> texts.values();
        };
    }

    record Text(String value) implements AttributeValue {
        public String type() {
            return "string";
        }
    }

    /** A 64-bit float, as ClickHouse compares it. */
    record Number(double value) implements AttributeValue {
        public String type() {
            return "number";
        }
    }

    record Flag(boolean value) implements AttributeValue {
        public String type() {
            return "boolean";
        }
    }

    /** Kept to the millisecond. */
    record Time(Instant value) implements AttributeValue {
        public String type() {
            return "timestamp";
        }
    }

    record Texts(List<String> values) implements AttributeValue {
        public String type() {
            return "list";
        }
    }
}
