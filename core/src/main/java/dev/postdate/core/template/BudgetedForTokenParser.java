package dev.postdate.core.template;

import io.pebbletemplates.pebble.extension.NodeVisitor;
import io.pebbletemplates.pebble.lexer.Token;
import io.pebbletemplates.pebble.node.ForNode;
import io.pebbletemplates.pebble.node.RenderableNode;
import io.pebbletemplates.pebble.node.expression.Expression;
import io.pebbletemplates.pebble.parser.Parser;
import io.pebbletemplates.pebble.template.EvaluationContextImpl;
import io.pebbletemplates.pebble.template.PebbleTemplateImpl;
import io.pebbletemplates.pebble.tokenParser.ForTokenParser;

import java.lang.reflect.Array;
import java.util.AbstractCollection;
import java.util.AbstractList;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

/**
 * Pebble's {@code for} with every iteration charged to the render's {@link RenderBudget}: the loop
 * is Pebble's own and only what it iterates over is wrapped, so {@code else} and the loop's
 * semantics stay Pebble's; the wrapper keeps the size, so Pebble's lazy loop length costs nothing.
 */
final class BudgetedForTokenParser extends ForTokenParser {

    @Override
    public RenderableNode parse(Token token, Parser parser) {
        ForNode loop = (ForNode) super.parse(token, parser);
        return new ForNode(loop.getLineNumber(), loop.getIterationVariable(), new Budgeted(loop.getIterable()),
                loop.getBody(), loop.getElseBody());
    }

    /** The loop's iterable expression, its value wrapped so that each element taken costs one iteration. */
    private record Budgeted(Expression<?> iterable) implements Expression<Object> {

        @Override
        public Object evaluate(PebbleTemplateImpl self, EvaluationContextImpl context) {
            Object value = iterable.evaluate(self, context);
            RenderBudget budget = RenderBudget.current();
            int line = iterable.getLineNumber();
            if (value instanceof Collection<?> items) {
                return new Charged(items, budget, line);
            }
            if (value instanceof Map<?, ?> map) {
                return new Charged(map.entrySet(), budget, line);
            }
            if (value != null && value.getClass().isArray()) {
                return new Charged(arrayAsList(value), budget, line);
            }
            if (value instanceof Iterable<?> items) {
                return (Iterable<Object>) () -> charged(items.iterator(), budget, line);
            }
            // null renders nothing and anything else is Pebble's "Not an iterable object" error.
            return value;
        }

        @Override
        public int getLineNumber() {
            return iterable.getLineNumber();
        }

        @Override
        public void accept(NodeVisitor visitor) {
            iterable.accept(visitor);
        }
    }

    /** A collection whose iterators charge the budget; its size (Pebble's {@code loop.length}) costs nothing. */
    private static final class Charged extends AbstractCollection<Object> {

        private final Collection<?> items;
        private final RenderBudget budget;
        private final int line;

        Charged(Collection<?> items, RenderBudget budget, int line) {
            this.items = items;
            this.budget = budget;
            this.line = line;
        }

        @Override
        public Iterator<Object> iterator() {
            return charged(items.iterator(), budget, line);
        }

        @Override
        public int size() {
            return items.size();
        }
    }

    private static Iterator<Object> charged(Iterator<?> items, RenderBudget budget, int line) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return items.hasNext();
            }

            @Override
            public Object next() {
                budget.iteration(line);
                return items.next();
            }
        };
    }

    private static AbstractList<Object> arrayAsList(Object array) {
        return new AbstractList<>() {
            @Override
            public Object get(int index) {
                return Array.get(array, index);
            }

            @Override
            public int size() {
                return Array.getLength(array);
            }
        };
    }
}
