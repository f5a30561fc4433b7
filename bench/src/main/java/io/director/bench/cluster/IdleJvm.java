package io.director.bench.cluster;

/** A JVM that does nothing: the baseline of a client's idle footprint, started with the client's flags. */
public final class IdleJvm {

    private IdleJvm() {
    }

    public static void main(String[] args) throws InterruptedException {
        System.out.println("idle");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
