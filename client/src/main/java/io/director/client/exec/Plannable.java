package io.director.client.exec;

/**
 * An executor that can tell, running nothing, what a job would do on this node ({@code --plan}):
 * {@code run}, {@code unchanged} (a workload already in the state asked for) or {@code always}.
 * Called on the planner thread; must not change anything.
 */
public interface Plannable {

    String plan(JobContext context);
}
