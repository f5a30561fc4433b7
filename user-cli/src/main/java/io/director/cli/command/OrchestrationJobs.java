package io.director.cli.command;

import io.director.dsl.orchestration.Block;
import io.director.dsl.orchestration.Orchestration;
import io.director.dsl.orchestration.OrchestrationJob;
import io.director.dsl.verb.CommonOptions;
import io.director.dsl.verb.Fingerprint;
import io.director.dsl.verb.JobDefinition;
import io.director.server.api.ApiRequest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The jobs of loaded orchestration files, in file and block order, and how each is submitted:
 * targets (the command line's override or the block's), the queue of an async block (one per
 * block of each file given, even when a file is given twice), and the file's directory for
 * relative ADD/COPY sources.
 */
final class OrchestrationJobs {

    /** A job with where it came from. */
    record Entry(Orchestration file, int fileIndex, Block block, OrchestrationJob job, JobDefinition definition,
                 String fingerprint) {

        ApiRequest.JobSubmission submission(List<String> targetOverride) {
            List<String> targets = targetOverride.isEmpty() ? block.targets() : targetOverride;
            String queue = block.async() ? "async-" + fileIndex + "-" + block.index() : null;
            Path directory = file.file().toAbsolutePath().getParent();
            return new ApiRequest.JobSubmission(definition.verb(), definition.toArguments(), job.name(), targets, queue,
                    directory.toString(), block.placement(), block.placement() == null ? null
                    : "block-" + fileIndex + "-" + block.index());
        }
    }

    private OrchestrationJobs() {
    }

    /**
     * @param ignoreCache every job as if it had --skip-cache
     * @param restrict    fingerprints to keep; empty keeps all
     */
    static List<Entry> entries(List<Orchestration> orchestrations, boolean ignoreCache, Collection<String> restrict) {
        List<Entry> entries = new ArrayList<>();
        for (int fileIndex = 0; fileIndex < orchestrations.size(); fileIndex++) {
            Orchestration orchestration = orchestrations.get(fileIndex);
            for (Block block : orchestration.blocks()) {
                for (OrchestrationJob job : block.jobs()) {
                    JobDefinition definition = ignoreCache
                            ? job.definition().withOption(CommonOptions.SKIP_CACHE, Boolean.TRUE) : job.definition();
                    String fingerprint = Fingerprint.of(definition);
                    if (restrict.isEmpty() || restrict.contains(fingerprint)) {
                        entries.add(new Entry(orchestration, fileIndex, block, job, definition, fingerprint));
                    }
                }
            }
        }
        return entries;
    }

    static List<ApiRequest.JobSubmission> submissions(List<Entry> entries, List<String> targetOverride) {
        return entries.stream().map(entry -> entry.submission(targetOverride)).toList();
    }
}
