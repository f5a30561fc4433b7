package io.director.dsl.orchestration;

import java.util.List;

/**
 * One block of an orchestration file.
 *
 * @param index   the block's 1-based position in its file, as a reader counts
 * @param name    the block's {@code name}, or null when it has none
 * @param targets the node identities the block names, in file order; empty when it names none
 *                (then every live node, unless {@code --target} says otherwise)
 * @param async   true when the block runs in its own queue on each node, beside the others
 * @param jobs    at least one job, in file order
 * @param line    the 1-based line where the block starts
 * @param placement how the server picks the nodes among the targets, or null: every target
 * @param project the {@code --project} of the block's JAIL or VM create, or null
 */
public record Block(int index, String name, List<String> targets, boolean async, List<OrchestrationJob> jobs,
                    int line, io.director.dsl.placement.Placement placement, String project) {

    public Block {
        targets = List.copyOf(targets);
        jobs = List.copyOf(jobs);
    }
}
