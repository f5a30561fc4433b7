package io.director.client.template;

import io.pebbletemplates.pebble.extension.AbstractExtension;
import io.pebbletemplates.pebble.extension.Filter;
import io.pebbletemplates.pebble.extension.core.ReverseFilter;
import io.pebbletemplates.pebble.extension.core.SortFilter;
import io.pebbletemplates.pebble.tokenParser.TokenParser;

import java.util.List;
import java.util.Map;

/**
 * Pebble additions that bring it closer to Jinja. Registered after Pebble's core extension, so
 * its {@code if} tag and its filters replace Pebble's of the same name.
 */
final class JinjaExtension extends AbstractExtension {

    @Override
    public List<TokenParser> getTokenParsers() {
        return List.of(new JinjaIfTokenParser());
    }

    @Override
    public Map<String, Filter> getFilters() {
        return Map.of(
                "sort", new CopyingFilter(new SortFilter()),
                "reverse", new CopyingFilter(new ReverseFilter()));
    }
}
