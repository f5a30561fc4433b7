package io.director.client.transfer;

/** A file that could not be brought to this node; the message names it and says why, on one line. */
public final class TransferException extends Exception {

    public TransferException(String message) {
        super(message);
    }
}
