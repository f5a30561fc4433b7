package io.director.dsl.wire;

/** A message that could not be understood. */
public final class ProtocolException extends Exception {

    public ProtocolException(String message) {
        super(message);
    }
}
