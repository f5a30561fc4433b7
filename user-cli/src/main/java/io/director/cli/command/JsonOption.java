package io.director.cli.command;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** {@code --json}: one JSON document on stdout, nothing else there. */
public final class JsonOption {

    private final OptionSpec json = Options.flag("--json", "Machine-readable output: one JSON document on stdout.")
            .fallbackValue("true").build();

    /** Makes the option and adds it to a command. */
    static JsonOption addTo(CommandSpec spec) {
        JsonOption option = new JsonOption();
        spec.addOption(option.json);
        return option;
    }

    public boolean enabled() {
        return Options.on(json);
    }

    /** A document as one line of JSON. */
    static String json(Object document) {
        try {
            return io.director.dsl.wire.WireCodec.mapper().writeValueAsString(document);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A string as a JSON literal. */
    static String quote(String text) {
        try {
            return io.director.dsl.wire.WireCodec.mapper().writeValueAsString(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
