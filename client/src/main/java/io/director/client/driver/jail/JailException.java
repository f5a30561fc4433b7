package io.director.client.driver.jail;

/** A jail action that cannot be done; the message is one line for the job's info. */
public final class JailException extends Exception {

    public JailException(String message) {
        super(message);
    }

    public JailException(String message, Throwable cause) {
        super(message, cause);
    }
}
