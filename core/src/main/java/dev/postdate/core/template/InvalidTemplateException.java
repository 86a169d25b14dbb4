package dev.postdate.core.template;

import java.util.List;

/** A template that does not compile in the sandbox; every part's problem is listed. */
public class InvalidTemplateException extends RuntimeException {

    private final List<TemplateProblem> problems;

    public InvalidTemplateException(List<TemplateProblem> problems) {
        super(problems.stream().map(p -> p.part() + ": " + p.message()).reduce((a, b) -> a + "; " + b).orElse("invalid"),
                null, false, false);
        this.problems = List.copyOf(problems);
    }

    public List<TemplateProblem> problems() {
        return problems;
    }
}
