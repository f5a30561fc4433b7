package io.director.client.exec;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.director.client.cache.NodeVariables;
import io.director.dsl.verb.ArgVerb;
import io.director.dsl.wire.Limits;
import io.director.dsl.wire.NodeState;
import io.director.dsl.wire.WireCodec;

/**
 * {@code ARG [--extend-args] KEY VALUE}: stores a template variable. The value is read as YAML
 * 1.2, so {@code [a, b]} is a list, {@code {k: v}} a map, {@code 42} a number and {@code true}
 * a boolean; text that is not valid YAML stays a string. The value is read exactly as written,
 * so YAML's quotes decide: {@code '42'} is the string 42, {@code 'a: b'} a string, not a map.
 */
public final class ArgExecutor implements Executor {

    static final String EXTEND = "extend-args";

    @Override
    public String verb() {
        return ArgVerb.NAME;
    }

    @Override
    public Execution execute(JobContext context) {
        NodeVariables variables = context.variables();
        try {
            PayloadText.KeyValue pair = PayloadText.rawKeyValue(verb(), context.payload());
            Object value = YamlValues.valueOf(pair.value());
            boolean extend = context.job().definition().flag(EXTEND);
            if (extend) {
                variables.extendArg(pair.key(), value);
            } else {
                variables.setArg(pair.key(), value);
            }
            String shown = pair.key() + (extend ? " += " : " = ") + show(extend ? value : variables.arg(pair.key()));
            if (extend) {
                shown += " (now " + show(variables.arg(pair.key())) + ")";
            }
            return new Execution(NodeState.SUCCESS, null, Limits.capOutput(shown, context.outputCapBytes()), "", null);
        } catch (IllegalArgumentException e) {
            return Execution.failed(e.getMessage());
        }
    }

    /** Strings as they are, everything else as JSON, so a list and a string that looks like one differ. */
    static String show(Object value) {
        if (value instanceof String text) {
            return text;
        }
        try {
            return WireCodec.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return String.valueOf(value);
        }
    }
}
