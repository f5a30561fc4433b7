package io.director.cli.command;

/** A command that may have been asked for JSON, so its errors are printed as JSON too. */
public interface JsonAware {

    boolean json();
}
