package io.director.dsl.verb;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Every verb of the language, from one explicit list. Adding a verb means adding it here. */
public final class VerbRegistry {

    private static final VerbRegistry DEFAULT = new VerbRegistry(List.of(
            new RunVerb(),
            new ArgVerb(),
            new EnvVerb(),
            new AddVerb(),
            new CopyVerb(),
            new WorkdirVerb(),
            new CachefileVerb(),
            new CacheEvictVerb(),
            new QueryVerb(),
            new WaitVerb(),
            new EchoVerb(),
            new JailVerb(),
            new VmVerb()));

    private final Map<String, Verb> verbs;

    public VerbRegistry(List<Verb> verbs) {
        Map<String, Verb> byName = new LinkedHashMap<>();
        for (Verb verb : verbs) {
            if (byName.put(verb.name(), verb) != null) {
                throw new IllegalArgumentException("verb registered twice: " + verb.name());
            }
        }
        this.verbs = Collections.unmodifiableMap(byName);
    }

    /** The registry of the verbs this version of Director knows. */
    public static VerbRegistry standard() {
        return DEFAULT;
    }

    /** Looks a verb up by name, ignoring case. */
    public Optional<Verb> find(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(verbs.get(name.toUpperCase(Locale.ROOT)));
    }

    public Set<String> names() {
        return verbs.keySet();
    }
}
