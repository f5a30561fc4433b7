package io.director.client.exec;

import io.director.dsl.verb.CachefileVerb;
import io.director.dsl.wire.Limits;
import io.director.dsl.wire.NodeState;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code CACHEFILE PATH}: loads a YAML or JSON file on the node whose top level is a map; each
 * key becomes an ARG. All keys are stored or, when one is not a valid ARG name, none.
 */
public final class CachefileExecutor implements Executor {

    @Override
    public String verb() {
        return CachefileVerb.NAME;
    }

    @Override
    public Execution execute(JobContext context) {
        Path path;
        Object document;
        try {
            path = Path.of(PayloadText.absolutePath(verb(), context.payload()));
        } catch (IllegalArgumentException e) {
            return Execution.failed(e.getMessage());
        }
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            document = YamlValues.read(reader);
        } catch (CharacterCodingException e) {
            return Execution.failed("cannot read " + path + ": not UTF-8 text");
        } catch (IOException e) {
            return Execution.failed("cannot read " + path + ": " + describe(e));
        } catch (IllegalArgumentException e) {
            return Execution.failed(path + " is not valid YAML or JSON: " + e.getMessage());
        }
        if (!(document instanceof Map<?, ?> map)) {
            return Execution.failed(path + " must hold a map of ARG names to values at the top level, found "
                    + kind(document));
        }
        Map<String, Object> args = new LinkedHashMap<>();
        map.forEach((key, value) -> args.put(String.valueOf(key), value));
        try {
            context.variables().setArgs(args);
        } catch (IllegalArgumentException e) {
            return Execution.failed(path + ": " + e.getMessage());
        }
        String loaded = "loaded " + args.size() + " ARG" + (args.size() == 1 ? "" : "s") + " from " + path
                + (args.isEmpty() ? "" : ": " + String.join(", ", args.keySet()));
        return new Execution(NodeState.SUCCESS, null, Limits.capOutput(loaded, context.outputCapBytes()), "", null);
    }

    private static String kind(Object document) {
        if (document == null) {
            return "an empty document";
        }
        if (document instanceof java.util.List<?>) {
            return "a list";
        }
        if (document instanceof String) {
            return "a string";
        }
        return "a " + document.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }

    private static String describe(IOException e) {
        String kind = e.getClass().getSimpleName();
        return switch (kind) {
            case "NoSuchFileException" -> "no such file";
            case "AccessDeniedException" -> "permission denied";
            default -> e.getMessage() == null ? kind : kind + ": " + e.getMessage();
        };
    }
}
