package io.director.client.exec;

import io.director.client.transfer.FileFetcher;
import io.director.dsl.verb.AddVerb;
import io.director.dsl.verb.CopyVerb;
import io.director.dsl.verb.VerbRegistry;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ExecutorRegistryTest {

    @Test
    void everyVerbOfTheLanguageHasAnExecutorOnTheNode() {
        try (ProcessRunner processes = new ProcessRunner();
             FileFetcher files = new FileFetcher("127.0.0.1", 1, "test@0")) {
            // As the client assembles it: QUERY needs the running link and ADD/COPY its fetcher, so they are added there.
            ExecutorRegistry registry = ExecutorRegistry.standard(processes)
                    .with(new QueryExecutor(message -> { }, new QueryAnswers()),
                            new AddExecutor(AddVerb.NAME, files), new AddExecutor(CopyVerb.NAME, files),
                            new JailExecutor(() -> "none"));
            assertEquals(VerbRegistry.standard().names(), registry.verbs());
        }
    }
}
