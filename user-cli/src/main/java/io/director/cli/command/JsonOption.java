package io.director.cli.command;

import picocli.CommandLine.Option;

/** {@code --json}: one JSON document on stdout, nothing else there. */
public final class JsonOption {

    @Option(names = "--json", description = "Machine-readable output: one JSON document on stdout.")
    boolean json;

    public boolean enabled() {
        return json;
    }
}
