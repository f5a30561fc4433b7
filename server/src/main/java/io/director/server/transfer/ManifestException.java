package io.director.server.transfer;

/** An ADD/COPY source that cannot be brought to nodes; the message names it and says why, on one line. */
public final class ManifestException extends Exception {

    public ManifestException(String message) {
        super(message);
    }
}
