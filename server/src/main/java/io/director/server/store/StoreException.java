package io.director.server.store;

/** The datastore could not do what was asked; nothing was half-written. */
public final class StoreException extends RuntimeException {

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
