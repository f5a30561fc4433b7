package io.director.client.driver.jail;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class JailSpecTest {

    private static JailSpec withMemory(String memory) {
        return new JailSpec(null, "busybox", "web", "none", List.of(), memory, null, List.of(), "no", false);
    }

    @Test
    void memoryIsComparedByValue() {
        assertEquals(List.of(), withMemory("1G").differencesFrom(withMemory("1024M")));
        assertEquals(withMemory("1G"), withMemory("1024M"));
        assertEquals(withMemory("1G").hashCode(), withMemory("1024M").hashCode());
    }

    @Test
    void aRealDifferenceInMemoryIsNamed() {
        assertEquals(List.of("memory is '1G', asked '2048M'"), withMemory("1G").differencesFrom(withMemory("2048M")));
        assertEquals(List.of("memory is unset, asked '64M'"), withMemory(null).differencesFrom(withMemory("64M")));
        assertNotEquals(withMemory("1G"), withMemory("2G"));
    }

    @Test
    void otherFieldsStillCount() {
        JailSpec other = new JailSpec(null, "busybox", "web2", "none", List.of(), "1024M", null, List.of(), "no", false);
        assertEquals(List.of("hostname is 'web', asked 'web2'"), withMemory("1G").differencesFrom(other));
        assertNotEquals(withMemory("1G"), other);
    }
}
