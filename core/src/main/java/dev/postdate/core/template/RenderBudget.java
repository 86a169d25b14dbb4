package dev.postdate.core.template;

import java.time.Clock;
import java.util.function.Supplier;

/**
 * The work one email's render may do: loop iterations and time. Pebble gives a loop no hook of its
 * own, so the sandbox's {@code for} hands each iteration to the budget of the render running on
 * its thread (a render never leaves its thread: the {@code parallel} tag is not allowed).
 */
final class RenderBudget {

    private static final ThreadLocal<RenderBudget> CURRENT = new ThreadLocal<>();

    private final long maxIterations;
    private final long timeoutMillis;
    private final Clock clock;
    private final long startMillis;
    private long iterations;

    RenderBudget(TemplateSettings settings, Clock clock) {
        this.maxIterations = settings.maxLoopIterations();
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
        checkTime(" (line " + line + ")");
    }

    /** Stops the render once it has run longer than the timeout. */
    void checkTime(String where) {
        long elapsed = elapsedMillis();
        if (elapsed > timeoutMillis) {
            throw new RenderBudgetExceededException("rendering took more than " + timeoutMillis + " ms" + where,
                    iterations, elapsed);
        }
    }

    private long elapsedMillis() {
        return clock.millis() - startMillis;
    }
}
