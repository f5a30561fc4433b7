package io.director.client.exec;

import io.director.client.transfer.FileFetcher;
import io.director.dsl.verb.AddVerb;
import io.director.dsl.verb.CopyVerb;
import io.director.dsl.verb.VerbRegistry;
import io.director.client.cache.NodeCache;
import io.director.client.driver.vm.VmDrivers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ExecutorRegistryTest {

    @TempDir
    Path cachePath;

    @Test
    void everyVerbOfTheLanguageHasAnExecutorOnTheNode() {
        try (ProcessRunner processes = new ProcessRunner();
             NodeCache cache = NodeCache.open(cachePath);
             FileFetcher files = new FileFetcher("127.0.0.1", 1, "test", io.director.client.link.LinkSecurity.plaintext())) {
            // As the client assembles it: QUERY needs the running link, ADD/COPY its fetcher and VM the node's driver, so they are added there.
            ExecutorRegistry registry = ExecutorRegistry.standard(processes)
                    .with(new QueryExecutor(message -> { }, new QueryAnswers()),
                            new AddExecutor(AddVerb.NAME, files), new AddExecutor(CopyVerb.NAME, files),
                            new JailExecutor(() -> "none"),
                            new VmExecutor(VmDrivers.forThisHost(cachePath, cache, processes)));
            assertEquals(VerbRegistry.standard().names(), registry.verbs());
        }
    }
}
