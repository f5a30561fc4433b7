package io.director.client;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * director-zmq-poller comes before JeroMQ on this module's class path, so its poller, mailbox, fair
 * queue and blob are the ones used.
 */
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

    @Test
    void jeroMqsFairQueueIsDirectorsOne() throws Exception {
        assertEquals("director", Class.forName("zmq.socket.FQ").getField("ORIGIN").get(null),
                "JeroMQ's own zmq.socket.FQ came first on the class path");
    }

    @Test
    void jeroMqsBlobIsDirectorsOne() throws Exception {
        assertEquals("director", Class.forName("zmq.util.Blob").getField("ORIGIN").get(null),
                "JeroMQ's own zmq.util.Blob came first on the class path");
    }
}
