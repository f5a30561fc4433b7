package io.director.bench;

import java.util.List;

/** Which transports a scenario measures; with both, the plaintext baseline runs first. */
enum EncryptionModes {
    both(List.of(false, true)),
    curve(List.of(true)),
    none(List.of(false));

    private final List<Boolean> modes;

    EncryptionModes(List<Boolean> modes) {
        this.modes = modes;
    }

    /** Whether each run is encrypted, in the order they run. */
    List<Boolean> modes() {
        return modes;
    }
}
