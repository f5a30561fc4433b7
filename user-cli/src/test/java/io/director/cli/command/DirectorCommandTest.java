package io.director.cli.command;

import io.director.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A command line built with only the sub-command that runs behaves as the whole tree does. */
class DirectorCommandTest {

    @TempDir
    Path dir;

    private static PrintWriter sink() {
        return new PrintWriter(new StringWriter());
    }

    private static List<String> subcommands(String... args) {
        return new ArrayList<>(DirectorCommand.commandLineFor(args, sink(), sink()).getSubcommands().keySet());
    }

    @Test
    void onlyTheNamedSubcommandIsBuilt() {
        assertEquals(List.of("manage"), subcommands("manage", "--list-nodes"));
        assertEquals(List.of("keys"), subcommands("--socket-path", "/x/y.sock", "--debug", "keys", "list"));
        assertEquals(List.of("exec"), subcommands("--config-file", "exec", "exec", "--verb", "RUN", "true"),
                "the value of --config-file is not the sub-command");
    }

    @Test
    void helpAndUnknownWordsGetEverySubcommand() {
        List<String> every = new ArrayList<>(DirectorCommand.commandLine(sink(), sink()).getSubcommands().keySet());
        assertEquals(DirectorCommand.SUBCOMMANDS.size() + 1, every.size());
        assertEquals("help", every.get(every.size() - 1));
        assertEquals(every, subcommands());
        assertEquals(every, subcommands("--help"));
        assertEquals(every, subcommands("help", "manage"));
        assertEquals(every, subcommands("mange", "--list-nodes"), "a typo gets picocli's suggestions");
    }

    /** Same options, same defaults, same help text, inherited root options included. */
    @Test
    void eachSubcommandAloneMatchesItselfInTheWholeTree() {
        CommandLine whole = DirectorCommand.commandLine(sink(), sink());
        for (String name : whole.getSubcommands().keySet()) {
            if (name.equals("help")) {
                continue;
            }
            CommandLine alone = DirectorCommand.commandLineFor(new String[] {name}, sink(), sink());
            CommandLine inWhole = whole.getSubcommands().get(name);
            CommandLine inAlone = alone.getSubcommands().get(name);
            assertEquals(inWhole.getUsageMessage(), inAlone.getUsageMessage(), name);
            assertEquals(optionNames(inWhole), optionNames(inAlone), name);
            assertTrue(optionNames(inAlone).stream().anyMatch(o -> o.startsWith("--socket-path=")),
                    name + " inherits the root's options");
            assertEquals(inWhole.isUnmatchedOptionsArePositionalParams(), inAlone.isUnmatchedOptionsArePositionalParams(),
                    name);
        }
    }

    /** manage's actions, a group made in code: exactly one, with picocli's own checks and synopsis. */
    @Test
    void manageTakesExactlyOneAction() {
        CommandLine none = DirectorCommand.commandLineFor(new String[] {"manage"}, sink(), sink());
        assertThrows(CommandLine.MissingParameterException.class, () -> none.parseArgs("manage"));
        CommandLine two = DirectorCommand.commandLineFor(new String[] {"manage"}, sink(), sink());
        assertThrows(CommandLine.MutuallyExclusiveArgsException.class,
                () -> two.parseArgs("manage", "--list-nodes", "--job-info", "last"));
        CommandLine one = DirectorCommand.commandLineFor(new String[] {"manage"}, sink(), sink());
        one.parseArgs("manage", "--job-info", "last");
        ManageCommand manage = one.getSubcommands().get("manage").getCommand();
        assertEquals("last", manage.action.jobInfo.getValue(), "the value reaches the action");
        assertTrue(!Options.on(manage.action.listNodes));
        String usage = one.getSubcommands().get("manage").getUsageMessage(CommandLine.Help.Ansi.OFF);
        assertTrue(usage.contains("(--list-nodes | --list-workloads | --list-deployments |"), usage);
    }

    /** picocli registers no converter for java.time and java.sql types here: no option may take one. */
    @Test
    void noOptionTakesATypeWhoseConverterIsLeftOut() {
        java.util.regex.Pattern left = java.util.regex.Pattern.compile(DirectorCommand.UNUSED_CONVERTERS);
        List<String> checked = new ArrayList<>();
        java.util.ArrayDeque<CommandLine> commands = new java.util.ArrayDeque<>();
        commands.add(DirectorCommand.commandLine(sink(), sink()));
        while (!commands.isEmpty()) {
            CommandLine command = commands.remove();
            commands.addAll(command.getSubcommands().values());
            for (CommandLine.Model.ArgSpec arg : command.getCommandSpec().args()) {
                List<Class<?>> types = new ArrayList<>(List.of(arg.auxiliaryTypes()));
                types.add(arg.type());
                for (Class<?> type : types) {
                    String where = command.getCommandSpec().qualifiedName() + " " + arg.paramLabel() + ": " + type.getName();
                    assertTrue(!left.matcher(type.getName()).matches(), where);
                    checked.add(where);
                }
            }
        }
        assertTrue(checked.size() > 50, "every sub-command's options were seen: " + checked.size());
        assertTrue(left.matcher("java.time.Duration").matches() && left.matcher("java.sql.Timestamp").matches()
                && !left.matcher("java.nio.file.Path").matches(), "the pattern leaves out what it says");
    }

    private static List<String> optionNames(CommandLine commandLine) {
        List<String> names = new ArrayList<>();
        commandLine.getCommandSpec().options().forEach(o -> names.add(String.join("|", o.names()) + "=" + o.defaultValue()));
        return names;
    }

    /** A server host's config file sets server options; a CLI command on that host accepts them. */
    @Test
    void aConfigFileWithOtherCommandsOptionsIsAcceptedAndATypoIsNot() throws Exception {
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, "job_port: 7001\nheartbeat-interval: 1\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"--config-file", config.toString(), "version"}, Map.of(),
                new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals(0, code, err.toString());
        assertTrue(out.toString().startsWith("director "), out.toString());

        Files.writeString(config, "job_prot: 7001\n");
        err = new StringWriter();
        code = Main.run(new String[] {"--config-file", config.toString(), "version"}, Map.of(),
                sink(), new PrintWriter(err, true));
        assertTrue(code != 0);
        assertTrue(err.toString().contains("unknown key 'job_prot'") && err.toString().contains("job-port"),
                err.toString());
    }
}
