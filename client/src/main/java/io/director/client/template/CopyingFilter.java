package io.director.client.template;

import io.pebbletemplates.pebble.extension.Filter;
import io.pebbletemplates.pebble.template.EvaluationContext;
import io.pebbletemplates.pebble.template.PebbleTemplate;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Runs a Pebble filter that reorders its input in place ({@code sort}, {@code reverse}) on a
 * copy, as Jinja's filters return a new list: the variable keeps its order, and read-only
 * lists work.
 */
final class CopyingFilter implements Filter {

    private final Filter inPlace;

    CopyingFilter(Filter inPlace) {
        this.inPlace = inPlace;
    }

    @Override
    public List<String> getArgumentNames() {
        return inPlace.getArgumentNames();
    }

    @Override
    public Object apply(Object input, Map<String, Object> args, PebbleTemplate self, EvaluationContext context,
                        int lineNumber) {
        Object copy = input instanceof Collection<?> collection ? new ArrayList<>(collection) : input;
        return inPlace.apply(copy, args, self, context, lineNumber);
    }
}
