package io.director.server.store;

/**
 * One forwarding of a job placed by the server: the node {@code from} refused it for capacity,
 * and it went to {@code to} (null when no candidate was left, and the job failed).
 *
 * @param at epoch milliseconds, on the server's clock
 */
public record Hop(String from, String to, String reason, long at) {
}
