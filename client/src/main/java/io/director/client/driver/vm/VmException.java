package io.director.client.driver.vm;

/** A lifecycle call that cannot be done; the message is one line that names the VM and the fix. */
public final class VmException extends Exception {

    public VmException(String message) {
        super(message);
    }

    public VmException(String message, Throwable cause) {
        super(message, cause);
    }
}
