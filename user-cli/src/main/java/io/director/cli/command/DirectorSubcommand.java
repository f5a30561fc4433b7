package io.director.cli.command;

import picocli.CommandLine.Model.CommandSpec;

/** A sub-command of {@code director}: its model, built in code (see {@link Options}), runs it. */
interface DirectorSubcommand {

    CommandSpec spec();
}
