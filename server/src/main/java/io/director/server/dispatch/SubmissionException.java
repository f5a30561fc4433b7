package io.director.server.dispatch;

/** A submission that cannot be accepted (unknown target, nothing to run on); nothing was stored. */
public final class SubmissionException extends Exception {

    public SubmissionException(String message) {
        super(message);
    }
}
