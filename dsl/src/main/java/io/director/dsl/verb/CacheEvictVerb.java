package io.director.dsl.verb;

/** {@code CACHEEVICT all|args|envs|jobs|FINGERPRINT}: clear that part of the node's cache. */
public final class CacheEvictVerb extends SimpleVerb {

    public static final String NAME = "CACHEEVICT";

    public CacheEvictVerb() {
        super(NAME, Payload.REQUIRED);
    }

    @Override
    public boolean alwaysRuns() {
        return true;
    }
}
