package dev.postdate.core.template;

/**
 * A render stopped by its budget (docs/security.md, "Render budget"): permanent, this email alone.
 * Carries what the render had used when it was stopped.
 */
public class RenderBudgetExceededException extends RenderException {

    private final long iterations;
    private final long elapsedMillis;

    RenderBudgetExceededException(String reason, long iterations, long elapsedMillis) {
        super("render budget exceeded: " + reason, null);
        this.iterations = iterations;
        this.elapsedMillis = elapsedMillis;
    }

    private RenderBudgetExceededException(String label, RenderBudgetExceededException cause) {
        super(label + ": " + cause.getMessage(), cause);
        this.iterations = cause.iterations;
        this.elapsedMillis = cause.elapsedMillis;
    }

    /** The same stop, its reason prefixed with the template and part it happened in. */
    RenderBudgetExceededException in(String label) {
        return new RenderBudgetExceededException(label, this);
    }

    /** Loop iterations the render had run when it was stopped (the last one refused). */
    public long iterations() {
        return iterations;
    }

    /** How long the render had run when it was stopped, by the renderer's clock. */
    public long elapsedMillis() {
        return elapsedMillis;
    }
}
