package io.director.client.exec;

import io.director.dsl.verb.CacheEvictVerb;
import io.director.dsl.wire.NodeState;

/** {@code CACHEEVICT all|args|envs|jobs|FINGERPRINT}: see {@link io.director.client.cache.NodeVariables#evict}. */
public final class CacheEvictExecutor implements Executor {

    @Override
    public String verb() {
        return CacheEvictVerb.NAME;
    }

    @Override
    public Execution execute(JobContext context) {
        try {
            return new Execution(NodeState.SUCCESS, null, context.variables().evict(PayloadText.oneWord(verb(), context.payload())), "", null);
        } catch (IllegalArgumentException e) {
            return Execution.failed(e.getMessage());
        }
    }
}
