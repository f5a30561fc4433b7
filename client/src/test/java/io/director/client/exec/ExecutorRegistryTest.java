package io.director.client.exec;

import io.director.dsl.verb.VerbRegistry;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ExecutorRegistryTest {

    @Test
    void everyVerbOfTheLanguageHasAnExecutorOnTheNode() {
        try (ProcessRunner processes = new ProcessRunner()) {
            // As the client assembles it: QUERY needs the running link, so it is added there.
            ExecutorRegistry registry = ExecutorRegistry.standard(processes)
                    .with(new QueryExecutor(message -> { }, new QueryAnswers()));
            assertEquals(VerbRegistry.standard().names(), registry.verbs());
        }
    }
}
