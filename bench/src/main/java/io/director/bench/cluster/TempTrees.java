package io.director.bench.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/** The temporary directories a benchmark makes (datastores, caches, logs), removed when it ends. */
public final class TempTrees {

    private TempTrees() {
    }

    /** Deletes {@code dir} and everything below it, deepest first. */
    public static void delete(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
