package io.director.dsl.orchestration;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One orchestration file, validated completely: its blocks in file order.
 *
 * @param file   the file as it was given to the loader
 * @param blocks at least one block
 */
public record Orchestration(Path file, List<Block> blocks) {

    public Orchestration {
        Objects.requireNonNull(file, "file");
        blocks = List.copyOf(blocks);
    }
}
