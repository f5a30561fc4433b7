package io.director.client.exec;

/**
 * Runs one verb on the node. Called on the job runner thread, one job at a time; may block
 * for as long as the job's {@code --timeout} allows, and must then give up by itself.
 */
public interface Executor {

    /** The verb this executor runs, as named in {@link io.director.dsl.verb.VerbRegistry}. */
    String verb();

    /** Runs the job; never throws for a job that fails (that is a failed {@link Execution}). */
    Execution execute(JobContext context) throws InterruptedException;
}
