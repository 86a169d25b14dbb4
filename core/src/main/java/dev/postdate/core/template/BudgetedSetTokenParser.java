package dev.postdate.core.template;

import io.pebbletemplates.pebble.extension.NodeVisitor;
import io.pebbletemplates.pebble.lexer.Token;
import io.pebbletemplates.pebble.node.RenderableNode;
import io.pebbletemplates.pebble.node.SetNode;
import io.pebbletemplates.pebble.node.expression.Expression;
import io.pebbletemplates.pebble.parser.Parser;
import io.pebbletemplates.pebble.template.EvaluationContextImpl;
import io.pebbletemplates.pebble.template.PebbleTemplateImpl;
import io.pebbletemplates.pebble.tokenParser.SetTokenParser;

/**
 * Pebble's {@code set} with the value it assigns held to the render's {@link RenderBudget}: a loop
 * that doubles a string or list through {@code set} on each iteration would otherwise fill the heap
 * within a few dozen iterations, long before the iteration budget or the output cap.
 */
final class BudgetedSetTokenParser extends SetTokenParser {

    @Override
    public RenderableNode parse(Token token, Parser parser) {
        SetNode set = (SetNode) super.parse(token, parser);
        return new SetNode(set.getLineNumber(), set.getName(), new Held(set.getValue()));
    }

    private record Held(Expression<?> value) implements Expression<Object> {

        @Override
        public Object evaluate(PebbleTemplateImpl self, EvaluationContextImpl context) {
            Object result = value.evaluate(self, context);
            RenderBudget.current().held(result, value.getLineNumber());
            return result;
        }

        @Override
        public int getLineNumber() {
            return value.getLineNumber();
        }

        @Override
        public void accept(NodeVisitor visitor) {
            value.accept(visitor);
        }
    }
}
