package io.director.cli.command;

import picocli.CommandLine.Option;

/** {@code --json}: one JSON document on stdout, nothing else there. */
public final class JsonOption {

    @Option(names = "--json", fallbackValue = "true",
            description = "Machine-readable output: one JSON document on stdout.")
    boolean json;

    public boolean enabled() {
        return json;
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
