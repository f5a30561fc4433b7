package io.director.dsl.verb;

import java.util.List;

/** The options every verb takes (spec: dsl.md, "Options every verb takes"). */
public final class CommonOptions {

    public static final String SKIP_CACHE = "skip-cache";
    public static final String RUN_ONCE = "run-once";
    public static final String TIMEOUT = "timeout";
    public static final String STDOUT_ARG = "stdout-arg";
    public static final String STDERR_ARG = "stderr-arg";
    public static final String NAME = "name";

    /** Seconds a job may run when it does not say. */
    public static final long DEFAULT_TIMEOUT_SECONDS = 600;

    public static final List<OptionSpec> ALL = List.of(
            OptionSpec.flag(SKIP_CACHE, false),
            OptionSpec.flag(RUN_ONCE, true),
            OptionSpec.count(TIMEOUT, true, DEFAULT_TIMEOUT_SECONDS),
            OptionSpec.text(STDOUT_ARG, true),
            OptionSpec.text(STDERR_ARG, true),
            OptionSpec.text(NAME, false));

    private CommonOptions() {
    }
}
