package io.director.client;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** director-zmq-poller comes before JeroMQ on this module's class path, so its poller and mailbox are the ones used. */
class JeroMqPollerOnClassPathTest {

    @Test
    void jeroMqsPollerIsDirectorsOne() throws Exception {
        assertEquals("director", Class.forName("zmq.poll.Poller").getField("ORIGIN").get(null),
                "JeroMQ's own zmq.poll.Poller came first on the class path");
    }

    @Test
    void jeroMqsMailboxIsDirectorsOne() throws Exception {
        assertEquals("director", Class.forName("zmq.Mailbox").getField("ORIGIN").get(null),
                "JeroMQ's own zmq.Mailbox came first on the class path");
    }
}
