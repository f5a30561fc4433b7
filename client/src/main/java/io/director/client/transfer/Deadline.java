package io.director.client.transfer;

import java.time.Duration;

/**
 * A point in time by which work must be done, on the monotonic clock, with the duration it
 * was set from (for messages). Immutable.
 */
public record Deadline(long endNanos, Duration total) {

    /** The deadline {@code total} from now. */
    public static Deadline after(Duration total) {
        return new Deadline(System.nanoTime() + total.toNanos(), total);
    }

    /** Milliseconds left, 0 once passed. */
    public long remainingMillis() {
        long nanos = endNanos - System.nanoTime();
        return nanos <= 0 ? 0 : Math.max(1, nanos / 1_000_000);
    }

    /** The total, for people: {@code 600 s}, or {@code 300 ms} under a second. */
    public String describe() {
        return total.toMillis() < 1000 ? total.toMillis() + " ms" : total.toSeconds() + " s";
    }

    public boolean passed() {
        return endNanos - System.nanoTime() <= 0;
    }
}
