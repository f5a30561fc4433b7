package zmq.socket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fair queuing as a ROUTER does it on this class: JeroMQ's sockets over inproc pipes, so every
 * attach, activation, deactivation and termination is JeroMQ's own call into it.
 */
class FQTest {

    private static final int DEALERS = 60;

    @Test
    void theClassPathResolvesJeroMqsFairQueueToThisOne() throws Exception {
        assertEquals("director", Class.forName("zmq.socket.FQ").getField("ORIGIN").get(null));
    }

    @Test
    @Timeout(60)
    void pipesWithMessagesAreReadInTurnAndEachPipeInOrder() {
        try (ZContext context = new ZContext(1)) {
            ZMQ.Socket router = router(context, "inproc://turns");
            List<ZMQ.Socket> dealers = dealers(context, "inproc://turns", DEALERS);
            for (int k = 0; k < 3; k++) {
                for (int i = 0; i < DEALERS; i++) {
                    dealers.get(i).send(i + ":" + k);
                }
            }
            // All pipes hold three messages: three rounds, each dealer once per round, its messages in order.
            for (int round = 0; round < 3; round++) {
                Set<Integer> seen = new HashSet<>();
                for (int n = 0; n < DEALERS; n++) {
                    String[] message = receive(router).split(":");
                    assertTrue(seen.add(Integer.parseInt(message[0])), "dealer " + message[0] + " twice in round " + round);
                    assertEquals(Integer.toString(round), message[1], "dealer " + message[0] + "'s messages in order");
                }
            }
            assertNull(router.recv(ZMQ.DONTWAIT), "nothing left");
        }
    }

    @Test
    @Timeout(60)
    void pipesThatRanDryAndTurnReadableAgainJoinTheRound() {
        try (ZContext context = new ZContext(1)) {
            ZMQ.Socket router = router(context, "inproc://again");
            List<ZMQ.Socket> dealers = dealers(context, "inproc://again", DEALERS);
            Random random = new Random(7);
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < DEALERS; i++) {
                order.add(i);
            }
            Map<Integer, Integer> next = new HashMap<>();
            for (int wave = 0; wave < 5; wave++) {
                // Some dealers send, in a shuffled order, while others stay dry; all is read before the next wave.
                Collections.shuffle(order, random);
                List<Integer> senders = order.subList(0, 10 + random.nextInt(DEALERS - 10));
                for (int i : senders) {
                    int k = next.merge(i, 1, Integer::sum) - 1;
                    dealers.get(i).send(i + ":" + k);
                }
                Set<Integer> seen = new HashSet<>();
                for (int n = 0; n < senders.size(); n++) {
                    String[] message = receive(router).split(":");
                    int dealer = Integer.parseInt(message[0]);
                    assertTrue(seen.add(dealer), "dealer " + dealer + " twice in wave " + wave);
                    assertEquals(next.get(dealer) - 1, Integer.parseInt(message[1]));
                }
                assertEquals(new HashSet<>(senders), seen);
                assertNull(router.recv(ZMQ.DONTWAIT), "nothing left after wave " + wave);
            }
        }
    }

    @Test
    @Timeout(60)
    void peersThatLeaveTakeTheirPipesAndNoOneElsesMessages() throws Exception {
        try (ZContext context = new ZContext(1)) {
            ZMQ.Socket router = router(context, "inproc://leave");
            List<ZMQ.Socket> dealers = dealers(context, "inproc://leave", DEALERS);
            for (int i = 0; i < DEALERS; i++) {
                dealers.get(i).send(i + ":0");
                dealers.get(i).send(i + ":1");
            }
            // Half read (some pipes active, some dry), then every third dealer leaves, active or not.
            Map<Integer, List<Integer>> received = new HashMap<>();
            for (int n = 0; n < DEALERS; n++) {
                record(received, receive(router));
            }
            Set<Integer> gone = new HashSet<>();
            for (int i = 0; i < DEALERS; i += 3) {
                context.destroySocket(dealers.get(i));
                gone.add(i);
            }
            Thread.sleep(200); // the pipes' termination is handed over by commands the router takes as it reads
            for (int i = 0; i < DEALERS; i++) {
                if (!gone.contains(i)) {
                    dealers.get(i).send(i + ":2");
                }
            }
            while (!stayingAllDone(received, gone)) {
                record(received, receive(router));
            }
            // A gone dealer's second message may still be read after it left.
            while (router.recv(ZMQ.DONTWAIT) != null) {
                record(received, router.recvStr());
            }
            for (int i = 0; i < DEALERS; i++) {
                List<Integer> got = received.getOrDefault(i, List.of());
                if (gone.contains(i)) {
                    // What was read before it left, in order, maybe less than it sent.
                    assertEquals(List.of(0, 1).subList(0, got.size()), got, "dealer " + i);
                } else {
                    assertEquals(List.of(0, 1, 2), got, "dealer " + i);
                }
            }
        }
    }

    private static boolean stayingAllDone(Map<Integer, List<Integer>> received, Set<Integer> gone) {
        for (int i = 0; i < DEALERS; i++) {
            if (!gone.contains(i) && received.getOrDefault(i, List.of()).size() < 3) {
                return false;
            }
        }
        return true;
    }

    private static void record(Map<Integer, List<Integer>> received, String message) {
        String[] parts = message.split(":");
        received.computeIfAbsent(Integer.parseInt(parts[0]), k -> new ArrayList<>()).add(Integer.parseInt(parts[1]));
    }

    private static ZMQ.Socket router(ZContext context, String endpoint) {
        ZMQ.Socket router = context.createSocket(SocketType.ROUTER);
        router.setReceiveTimeOut(10_000);
        router.bind(endpoint);
        return router;
    }

    private static List<ZMQ.Socket> dealers(ZContext context, String endpoint, int count) {
        List<ZMQ.Socket> dealers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ZMQ.Socket dealer = context.createSocket(SocketType.DEALER);
            dealer.setLinger(0);
            dealer.connect(endpoint);
            dealers.add(dealer);
        }
        return dealers;
    }

    /** The body of the router's next message (after its routing id). */
    private static String receive(ZMQ.Socket router) {
        byte[] routing = router.recv(0);
        assertNotNull(routing, "a message in time");
        assertTrue(router.hasReceiveMore());
        String body = router.recvStr();
        assertNotNull(body);
        return body;
    }
}
