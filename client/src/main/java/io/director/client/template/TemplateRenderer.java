package io.director.client.template;

import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.error.AttributeNotFoundException;
import io.pebbletemplates.pebble.error.PebbleException;
import io.pebbletemplates.pebble.error.RootAttributeNotFoundException;
import io.pebbletemplates.pebble.loader.StringLoader;
import io.pebbletemplates.pebble.template.PebbleTemplate;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Renders Jinja-syntax templates (payloads, destinations, blueprint files) with the node's
 * variables, using Pebble configured to behave like Jinja where it matters here: an undefined
 * variable is an error naming it ({@code default(...)} still works on one), nothing is
 * HTML-escaped (payloads are shell commands), newlines after tags are kept, and {@code elif}
 * and Jinja truthiness work in {@code if}. docs/templating.md lists what differs from Jinja.
 * Thread-safe: one instance may serve every job queue.
 */
public final class TemplateRenderer {

    /** Compiled templates kept: enough for the payloads of a long orchestration, small on a 512 MB node. */
    static final int CACHE_ENTRIES = 256;

    /** Longest text kept in the cache; a blueprint file larger than this is compiled each time. */
    static final int CACHEABLE_LENGTH = 64 * 1024;

    /** Largest rendered output, in characters: stops a runaway loop before it fills the heap. */
    static final int MAX_RENDERED_CHARS = 16 * 1024 * 1024;

    /**
     * The engine, made at the first text that is a template: Pebble is about 130 classes, which a
     * node whose jobs use no template (and an idle node) never loads (docs/performance.md,
     * Footprint). One engine serves every renderer: its configuration is fixed and it is
     * thread-safe.
     */
    private static final class Engine {
        static final PebbleEngine PEBBLE = new PebbleEngine.Builder()
                .loader(new StringLoader())
                .extension(new JinjaExtension())
                .strictVariables(true)
                .autoEscaping(false)
                .newLineTrimming(false)
                // Pebble's own cache is unbounded and keyed by the template text: use the bounded one below.
                .cacheActive(false)
                .maxRenderedSize(MAX_RENDERED_CHARS)
                .build();
    }

    private final Map<String, PebbleTemplate> compiled = new LinkedHashMap<>(32, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PebbleTemplate> eldest) {
            return size() > CACHE_ENTRIES;
        }
    };

    /**
     * Renders {@code template} with {@code variables}. Text without {@code {{}, {@code {%} or
     * {@code {#} is returned as it is.
     *
     * @throws TemplateException naming the undefined variable, or the line of a syntax error
     */
    public String render(String template, Map<String, Object> variables) throws TemplateException {
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(variables, "variables");
        if (!isTemplate(template)) {
            return template;
        }
        try {
            StringWriter out = new StringWriter(template.length() + 64);
            compile(template).evaluate(out, variables);
            return out.toString();
        } catch (PebbleException e) {
            throw new TemplateException(describe(e, template.indexOf('\n') >= 0));
        } catch (IOException e) {
            throw new UncheckedIOException("writing to a string cannot fail", e);
        } catch (RuntimeException e) {
            // A filter or method failing in Java (sorting a read-only list, dividing by zero) is the template's fault too.
            throw new TemplateException("template error: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + firstLine(e.getMessage())));
        }
    }

    /** Whether the text has any template syntax at all. */
    public static boolean isTemplate(String text) {
        return text.contains("{{") || text.contains("{%") || text.contains("{#");
    }

    private PebbleTemplate compile(String template) {
        if (template.length() > CACHEABLE_LENGTH) {
            return Engine.PEBBLE.getTemplate(template);
        }
        synchronized (compiled) {
            PebbleTemplate cached = compiled.get(template);
            if (cached != null) {
                return cached;
            }
        }
        // Compiled outside the lock: two threads may compile the same text once each, which is harmless.
        PebbleTemplate fresh = Engine.PEBBLE.getTemplate(template);
        synchronized (compiled) {
            compiled.put(template, fresh);
        }
        return fresh;
    }

    /** Number of compiled templates held, for tests. */
    int cachedTemplates() {
        synchronized (compiled) {
            return compiled.size();
        }
    }

    /**
     * One line for the job's info. Pebble wraps the real cause (an undefined name inside an
     * {@code if}, a comparison or a filter argument) in more general errors, so the causes are
     * searched first.
     */
    private static String describe(PebbleException e, boolean multiline) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof RootAttributeNotFoundException undefined) {
                return "undefined variable '" + undefined.getAttributeName() + "'" + where(undefined, multiline);
            }
            if (cause instanceof AttributeNotFoundException missing) {
                return "undefined attribute '" + missing.getAttributeName() + "'" + where(missing, multiline);
            }
        }
        String message = e.getPebbleMessage() == null ? e.getClass().getSimpleName() : e.getPebbleMessage();
        Integer line = e.getLineNumber();
        return "template error" + (line == null ? "" : " at line " + line) + ": " + firstLine(message);
    }

    private static String where(PebbleException e, boolean multiline) {
        return multiline && e.getLineNumber() != null ? " at line " + e.getLineNumber() : "";
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
