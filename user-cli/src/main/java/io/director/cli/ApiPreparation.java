package io.director.cli;

import io.director.server.api.ApiRequest;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;

/**
 * Readies, on a thread of its own, what a command's first call to the server needs: Jackson's
 * mapper (the {@link ApiClient} class holds it) and the request's serializer, and the JDK's
 * UNIX-socket classes (whose set-up seeds a secure random generator); then runs what the caller
 * adds. Each costs a short command tens of milliseconds; done on the second core while the main
 * thread parses the command line, they are ready when the command connects. The JVM initialises
 * each class once, under a lock, so whichever thread comes first does the work and the other
 * waits for it. This class holds no state of its own, so calling it starts none of that work on
 * the caller's thread.
 */
final class ApiPreparation {

    private ApiPreparation() {
    }

    /** Starts the preparation; the thread is returned for the class-data training run, which waits for it. */
    static Thread startInBackground(Runnable andThen) {
        Thread prepare = new Thread(() -> {
            try {
                ApiClient.json().writerFor(ApiRequest.class);
                ApiClient.json().readTree("{}");
                SocketChannel.open(StandardProtocolFamily.UNIX).close();
            } catch (IOException | RuntimeException e) {
                // only a head start: the command does the same and reports what fails
            }
            try {
                andThen.run();
            } catch (RuntimeException e) {
                // A command that ends first (its --help) may be exiting the JVM under this thread.
            }
        }, "prepare-api-client");
        prepare.setDaemon(true);
        prepare.start();
        return prepare;
    }
}
