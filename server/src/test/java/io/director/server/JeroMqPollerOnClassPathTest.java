package io.director.server;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** director-zmq-poller comes before JeroMQ on this module's class path, so its poller is the one used. */
class JeroMqPollerOnClassPathTest {

    @Test
    void jeroMqsPollerIsDirectorsOne() throws Exception {
        assertEquals("director", Class.forName("zmq.poll.Poller").getField("ORIGIN").get(null),
                "JeroMQ's own zmq.poll.Poller came first on the class path");
    }
}
