package io.director.dsl.wire;

import java.util.Objects;

/**
 * One file an ADD/COPY job brings to nodes: its path on the server host (what the node asks the
 * transfer port for), its size, SHA-256 (hex) and the mode bits it had there.
 */
public record TransferFile(String source, long size, String sha256, int mode) {

    public TransferFile {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(sha256, "sha256");
        if (size < 0) {
            throw new IllegalArgumentException("negative size for " + source);
        }
    }

    /** The file's name without its directory, as it is called at a destination ending in '/'. */
    public String fileName() {
        int slash = source.lastIndexOf('/');
        return slash < 0 ? source : source.substring(slash + 1);
    }
}
