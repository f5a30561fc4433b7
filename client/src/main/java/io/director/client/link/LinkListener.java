package io.director.client.link;

import io.director.dsl.wire.Job;
import io.director.dsl.wire.Message;

import java.util.List;

/** What the link tells the rest of the client. Called on the link thread; must not block long. */
public interface LinkListener {

    /** The server accepted this node (again); {@code outputCapBytes} is its output limit. */
    void onEnrolled(int outputCapBytes);

    /** Jobs to run, in the order the server sent them (a burst read at once comes as one list). */
    void onJobs(List<Job> jobs);

    /** The server's collected answers to a QUERY job. */
    void onQueryAnswer(Message.QueryAnswer answer);

    /** The server asks what these jobs would do here (for {@code --plan}). */
    void onPlanRequest(Message.PlanRequest request);

    /** The server stored these jobs' results. */
    void onResultsAcknowledged(List<String> jobIds);

    /** The server refused this node for good; the client stops with {@code reason}. */
    void onRefused(String reason);
}
