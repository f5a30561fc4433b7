package io.director.dsl.wire;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** The state of one job on one node (spec: cli.md, "Job and node states"). */
public enum NodeState {
    /** Sent or waiting to be sent; no answer yet. */
    QUEUED,
    PROCESSING,
    SUCCESS,
    /** Not run: cached, or run-once already done. Counts as success. */
    SKIPPED,
    FAILED,
    /** Not run because an earlier job of the same orchestration failed on the node. */
    CANCELLED;

    public boolean isFinal() {
        return this != QUEUED && this != PROCESSING;
    }

    public boolean isSuccessful() {
        return this == SUCCESS || this == SKIPPED;
    }

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static NodeState fromWire(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
