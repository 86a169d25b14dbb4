package dev.postdate.clickhouse.audiences;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * An audience's rule: a tree of {@code all}, {@code any} and {@code not} over conditions on a contact
 * (docs/audiences.md). Built only by {@link RuleParser}, which checks every condition's operator against
 * its target and value, so a compiled rule never meets a combination it has no meaning for.
 */
public sealed interface Rule {

    record All(List<Rule> rules) implements Rule {
    }

    record Any(List<Rule> rules) implements Rule {
    }

    record Not(Rule rule) implements Rule {
    }

    record Condition(Target target, Op op, Operand value) implements Rule {
    }

    /** What a condition looks at: a built-in field, a custom attribute, or consent (topic in the operand). */
    record Target(Kind kind, String name) {
        public enum Kind { FIELD, ATTRIBUTE, CONSENT }
    }

    enum Op {
        EQ, NE, LT, LTE, GT, GTE, IN, NOT_IN, CONTAINS, STARTS_WITH, EXISTS, BEFORE, AFTER, WITHIN_LAST, HAS_CONSENT
    }

    sealed interface Operand {
    }

    record Text(String value) implements Operand {
    }

    record Number(double value) implements Operand {
    }

    record Flag(boolean value) implements Operand {
    }

    record Time(Instant value) implements Operand {
    }

    record Texts(List<String> values) implements Operand {
    }

    record Numbers(List<Double> values) implements Operand {
    }

    /** {@code within_last}: how far back from now. */
    record Span(Duration value) implements Operand {
    }
}
