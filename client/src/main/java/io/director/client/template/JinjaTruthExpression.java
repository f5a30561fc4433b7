package io.director.client.template;

import io.pebbletemplates.pebble.extension.NodeVisitor;
import io.pebbletemplates.pebble.node.expression.Expression;
import io.pebbletemplates.pebble.template.EvaluationContextImpl;
import io.pebbletemplates.pebble.template.PebbleTemplateImpl;

import java.lang.reflect.Array;
import java.util.Collection;
import java.util.Map;

/**
 * An {@code if} condition with Jinja's truth for the values Pebble refuses there: null is
 * false, a list or map is true when not empty. Booleans, numbers and strings pass through to
 * Pebble, which already treats them as Jinja does. An undefined name still fails.
 */
final class JinjaTruthExpression implements Expression<Object> {

    private final Expression<?> condition;

    JinjaTruthExpression(Expression<?> condition) {
        this.condition = condition;
    }

    @Override
    public Object evaluate(PebbleTemplateImpl self, EvaluationContextImpl context) {
        Object value = condition.evaluate(self, context);
        if (value == null) {
            return Boolean.FALSE;
        }
        if (value instanceof Collection<?> collection) {
            return !collection.isEmpty();
        }
        if (value instanceof Map<?, ?> map) {
            return !map.isEmpty();
        }
        if (value.getClass().isArray()) {
            return Array.getLength(value) > 0;
        }
        return value;
    }

    @Override
    public int getLineNumber() {
        return condition.getLineNumber();
    }

    @Override
    public void accept(NodeVisitor visitor) {
        condition.accept(visitor);
    }
}
