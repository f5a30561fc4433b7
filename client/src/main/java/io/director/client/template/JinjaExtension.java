package io.director.client.template;

import io.pebbletemplates.pebble.extension.AbstractExtension;
import io.pebbletemplates.pebble.tokenParser.TokenParser;

import java.util.List;

/** Pebble additions that bring it closer to Jinja; registered after Pebble's core, so its {@code if} wins. */
final class JinjaExtension extends AbstractExtension {

    @Override
    public List<TokenParser> getTokenParsers() {
        return List.of(new JinjaIfTokenParser());
    }
}
