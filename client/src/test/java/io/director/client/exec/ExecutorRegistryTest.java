package io.director.client.exec;

import io.director.dsl.verb.VerbRegistry;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ExecutorRegistryTest {

    @Test
    void everyVerbOfTheLanguageHasAnExecutorOnTheNode() {
        try (ProcessRunner processes = new ProcessRunner()) {
            assertEquals(VerbRegistry.standard().names(), ExecutorRegistry.standard(processes).verbs());
        }
    }
}
