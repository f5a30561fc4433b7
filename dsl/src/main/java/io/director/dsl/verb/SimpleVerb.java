package io.director.dsl.verb;

import java.util.List;

/**
 * Base for verbs whose rules are a name, options and a payload rule; subclasses override
 * {@link #validate} for their own checks. Keeps each verb's class to what is special about it.
 */
abstract class SimpleVerb implements Verb {

    private final String name;
    private final List<OptionSpec> options;
    private final Payload payload;

    SimpleVerb(String name, Payload payload, OptionSpec... options) {
        this.name = name;
        this.options = List.of(options);
        this.payload = payload;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final List<OptionSpec> options() {
        return options;
    }

    @Override
    public final Payload payload() {
        return payload;
    }
}
