package dev.postdate.clickhouse.contacts;

import java.time.Instant;
import java.util.List;

/** A typed contact attribute; audience rules compare values of one type only. */
public sealed interface AttributeValue {

    /** The type's name in stored JSON and in the API's documentation. */
    String type();

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
