package io.director.client.link;

import io.director.dsl.wire.Job;
import io.director.dsl.wire.Message;

/** What the link tells the rest of the client. Called on the link thread; must not block long. */
public interface LinkListener {

    /** The server accepted this node (again); {@code outputCapBytes} is its output limit. */
    void onEnrolled(int outputCapBytes);

    /** A job to run. */
    void onJob(Job job);

    /** The server's collected answers to a QUERY job. */
    void onQueryAnswer(Message.QueryAnswer answer);

    /** The server asks what these jobs would do here (for {@code --plan}). */
    void onPlanRequest(Message.PlanRequest request);

    /** The server stored this job's result. */
    void onResultAcknowledged(String jobId);

    /** The server refused this node for good; the client stops with {@code reason}. */
    void onRefused(String reason);
}
