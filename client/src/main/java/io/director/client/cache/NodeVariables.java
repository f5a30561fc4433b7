package io.director.client.cache;

import java.util.Map;

/** The node's ARGs and ENVs, kept in its cache. (Skeleton: being implemented.) */
public final class NodeVariables {

    public NodeVariables(NodeCache cache) {
    }

    /** Every ARG, for templates. */
    public Map<String, Object> args() {
        return Map.of();
    }

    /** Sets an ARG. */
    public void setArg(String key, Object value) {
    }

    /** Every ENV, for processes. */
    public Map<String, String> environment() {
        return Map.of();
    }
}
