package io.director.dsl.verb;

import java.util.List;

/**
 * {@code WAIT --seconds S | --url URL | --cmd COMMAND [--retry N] [--retry-wait S]}: sleep, or
 * poll until ready. Exactly one of the three is given; the URL is http or https (or starts with
 * a template); {@code --retry} and {@code --retry-wait} tune polling, so only go with a URL or a
 * command.
 */
public final class WaitVerb extends SimpleVerb {

    public static final String NAME = "WAIT";
    public static final String SECONDS = "seconds";
    public static final String URL = "url";
    public static final String CMD = "cmd";
    public static final String RETRY = "retry";
    public static final String RETRY_WAIT = "retry-wait";

    private static final List<String> MODES = List.of(SECONDS, URL, CMD);

    public WaitVerb() {
        super(NAME, Payload.NONE, Runs.ALWAYS_VARIABLES_ONLY,
                OptionSpec.decimal(SECONDS, true),
                OptionSpec.text(URL, true),
                OptionSpec.text(CMD, true),
                OptionSpec.count(RETRY, true, null),
                OptionSpec.decimal(RETRY_WAIT, true));
    }

    @Override
    public void validate(JobDefinition definition) throws DslException {
        List<String> given = MODES.stream().filter(definition.options()::containsKey).toList();
        if (given.isEmpty()) {
            throw DslException.inPayload(NAME + " needs one of --seconds, --url or --cmd", 1);
        }
        if (given.size() > 1) {
            throw DslException.ofOption(NAME + " takes only one of --seconds, --url or --cmd, found --"
                    + given.get(0) + " and --" + given.get(1), given.get(1));
        }
        String url = definition.text(URL);
        if (url != null && !url.startsWith("http://") && !url.startsWith("https://")
                && !url.startsWith("{{") && !url.startsWith("{%")) {
            throw DslException.ofOptionValue("option '--url' must start with http:// or https://, got '" + url + "'",
                    URL);
        }
        if (given.get(0).equals(SECONDS)) {
            for (String polling : List.of(RETRY, RETRY_WAIT)) {
                if (definition.options().containsKey(polling)) {
                    throw DslException.ofOption("option '--" + polling + "' only goes with --url or --cmd", polling);
                }
            }
        }
    }
}
