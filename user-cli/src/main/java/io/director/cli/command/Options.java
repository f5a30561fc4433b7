package io.director.cli.command;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine;

import java.util.List;
import java.util.Map;

/**
 * The commands' models, built through picocli's programmatic API rather than read from
 * annotations: a short command spent about as long having picocli read its annotations (one
 * proxy class generated per annotation type at every start, which a Java 17 class-data archive
 * cannot hold, and reflection over every member of the command's classes and of
 * {@code java.lang.Object}) as on everything else it does before the request
 * (docs/performance.md). A command holds its options and reads their values after parsing.
 */
final class Options {

    private Options() {
    }

    /** A command of ours: its name and description, {@code -h}/{@code -V}, and what runs it. */
    static CommandSpec command(Object runs, String name, String description) {
        CommandSpec spec = CommandSpec.wrapWithoutInspection(runs).name(name);
        spec.usageMessage().description(description);
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                .description("Show this help message and exit.").build());
        spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true)
                .description("Print version information and exit.").build());
        return spec;
    }

    /** An option without a value, off unless given. */
    static OptionSpec.Builder flag(String name, String description) {
        return OptionSpec.builder(name).type(boolean.class).initialValue(false).description(description);
    }

    /** An option that takes one value of this type. */
    static OptionSpec.Builder value(String name, Class<?> type, String label, String description) {
        return OptionSpec.builder(name).type(type).paramLabel(label).description(description);
    }

    /** An option that may be repeated, each time with one value of this type. */
    static OptionSpec.Builder repeated(String name, Class<?> type, String label, String description) {
        return OptionSpec.builder(name).type(List.class).auxiliaryTypes(type).paramLabel(label).description(description);
    }

    /** A positional parameter, which must be given. */
    static PositionalParamSpec.Builder parameter(String index, String label, String description) {
        return PositionalParamSpec.builder().index(index).paramLabel(label).type(String.class).required(true)
                .description(description);
    }

    /** Whether a flag was given (or set from the environment or the config file). */
    static boolean on(OptionSpec flag) {
        return Boolean.TRUE.equals(flag.getValue());
    }

    /** A repeatable option's or parameter's values, empty when none was given. */
    static <T> List<T> list(CommandLine.Model.ArgSpec arg) {
        List<T> values = arg.getValue();
        return values == null ? List.of() : values;
    }

    /** A map option's entries, empty when none was given. */
    static Map<String, String> map(OptionSpec option) {
        Map<String, String> values = option.getValue();
        return values == null ? Map.of() : values;
    }
}
