package io.director.client.driver;

import io.director.client.exec.ProcessRunner;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link CommandRunner} for the FreeBSD drivers' tests: records every command line and answers
 * from a script (by the longest matching prefix of the line joined with spaces; several answers
 * for one prefix are given in turn, the last one repeating); unscripted commands succeed silently.
 */
public final class RecordingCommandRunner implements CommandRunner {

    private final List<List<String>> commands = new ArrayList<>();
    private final Map<String, Deque<ProcessRunner.Outcome>> script = new LinkedHashMap<>();

    /** Scripts the answers to commands starting with {@code prefix}. */
    public RecordingCommandRunner answer(String prefix, int exitCode, String stdout, String stderr) {
        script.computeIfAbsent(prefix, p -> new ArrayDeque<>())
                .add(new ProcessRunner.Outcome(exitCode, stdout, stderr, false));
        return this;
    }

    /** Replaces whatever was scripted for {@code prefix} with this one answer. */
    public RecordingCommandRunner answerOnly(String prefix, String stdout) {
        script.remove(prefix);
        return answer(prefix, stdout);
    }

    /** Replaces whatever was scripted for {@code prefix} with this one answer. */
    public RecordingCommandRunner answerOnly(String prefix, int exitCode, String stdout, String stderr) {
        script.remove(prefix);
        return answer(prefix, exitCode, stdout, stderr);
    }

    public RecordingCommandRunner answer(String prefix, String stdout) {
        return answer(prefix, 0, stdout, "");
    }

    @Override
    public synchronized ProcessRunner.Outcome run(List<String> command, long timeoutSeconds, int outputCap) {
        commands.add(List.copyOf(command));
        String line = String.join(" ", command);
        String best = null;
        for (String prefix : script.keySet()) {
            if (line.startsWith(prefix) && (best == null || prefix.length() > best.length())) {
                best = prefix;
            }
        }
        if (best == null) {
            return new ProcessRunner.Outcome(0, "", "", false);
        }
        Deque<ProcessRunner.Outcome> answers = script.get(best);
        return answers.size() > 1 ? answers.poll() : answers.peek();
    }

    /** Every command line run so far, joined with spaces. */
    public synchronized List<String> lines() {
        return commands.stream().map(c -> String.join(" ", c)).toList();
    }

    /** The raw commands, word by word. */
    public synchronized List<List<String>> commands() {
        return List.copyOf(commands);
    }

    public synchronized void clear() {
        commands.clear();
    }
}
