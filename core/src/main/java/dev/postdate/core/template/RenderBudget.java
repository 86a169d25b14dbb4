package dev.postdate.core.template;

import java.time.Clock;
import java.util.Collection;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The work one email's render may do: loop iterations, time, and the size of what {@code set}
 * assigns. Pebble gives a loop no hook of its own, so the sandbox's {@code for} and {@code set}
 * report to the budget of the render running on their thread (a render never leaves its thread:
 * the {@code parallel} tag is not allowed).
 */
final class RenderBudget {

    private static final ThreadLocal<RenderBudget> CURRENT = new ThreadLocal<>();
    /**
     * Iterations between two reads of the clock. Reading it on every iteration was a visible share
     * of a loop-heavy render's cost; an iteration's own work is bounded by the data limits, so a
     * timeout is noticed this many iterations late at most.
     */
    private static final int ITERATIONS_PER_TIME_CHECK = 32;

    private final long maxIterations;
    private final int maxChars;
    private final int maxValues;
    private final long timeoutMillis;
    private final Clock clock;
    private final long startMillis;
    private long iterations;

    RenderBudget(TemplateSettings settings, Clock clock) {
        this.maxIterations = settings.maxLoopIterations();
        this.maxChars = settings.maxRenderedChars();
        this.maxValues = settings.maxDataElements();
        this.timeoutMillis = settings.renderTimeout().toMillis();
        this.clock = clock;
        this.startMillis = clock.millis();
    }

    /** Runs a render with this budget charged by every loop iteration in it. */
    <T> T during(Supplier<T> render) {
        RenderBudget outer = CURRENT.get();
        CURRENT.set(this);
        try {
            return render.get();
        } finally {
            CURRENT.set(outer);
        }
    }

    /** The budget of the render on this thread. */
    static RenderBudget current() {
        RenderBudget budget = CURRENT.get();
        if (budget == null) {
            throw new IllegalStateException("a sandboxed template rendered outside TemplateSandbox.render");
        }
        return budget;
    }

    /** Charges one loop iteration at a template line; stops the render past either limit. */
    void iteration(int line) {
        if (++iterations > maxIterations) {
            throw new RenderBudgetExceededException("more than " + maxIterations + " loop iterations (line " + line + ")",
                    iterations, elapsedMillis());
        }
        if (iterations % ITERATIONS_PER_TIME_CHECK == 1) {
            long elapsed = elapsedMillis();
            if (elapsed > timeoutMillis) {
                throw new RenderBudgetExceededException("rendering took more than " + timeoutMillis + " ms (line "
                        + line + ")", iterations, elapsed);
            }
        }
    }

    /**
     * Checks a value a template assigns with {@code set}: no longer than a rendered part may be, no
     * more values than data may hold.
     */
    void held(Object value, int line) {
        if (value instanceof CharSequence text && text.length() > maxChars) {
            throw new RenderBudgetExceededException("a variable set to more than " + maxChars + " characters (line "
                    + line + ")", iterations, elapsedMillis());
        }
        int values = value instanceof Collection<?> items ? items.size()
                : value instanceof Map<?, ?> map ? map.size() : 0;
        if (values > maxValues) {
            throw new RenderBudgetExceededException("a variable set to more than " + maxValues + " values (line "
                    + line + ")", iterations, elapsedMillis());
        }
    }

    private long elapsedMillis() {
        return clock.millis() - startMillis;
    }
}
