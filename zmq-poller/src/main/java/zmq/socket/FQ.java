package zmq.socket;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Map;

import zmq.Msg;
import zmq.ZError;
import zmq.pipe.Pipe;
import zmq.util.Blob;
import zmq.util.Errno;
import zmq.util.ValueReference;

/**
 * Fair queuing over a socket's inbound pipes (ROUTER, DEALER, PULL, …), written for Director under
 * the class name JeroMQ 0.6.0 calls, with the public methods it calls. It replaces JeroMQ's own.
 *
 * <p>Why: the pipes with messages sit at the front of one array, and a pipe that turns readable
 * is swapped in among them. JeroMQ's finds that pipe by searching the whole array, so on a server
 * holding 10,000 connections every message that arrived on an idle connection cost a search of
 * about 5,000 pipes (8 % of the server loop's time at 10,000 heartbeating nodes). Each pipe here
 * knows its place; a removed pipe leaves by a swap with the last, not a shift. What is read, and
 * in which order, is as JeroMQ's: round robin over the pipes that have messages, a multipart
 * message read whole from one pipe.
 */
public class FQ {

    /** Tells a check (tests, the distribution's) which class a class path resolved to. */
    public static final String ORIGIN = "director";

    /** A pipe and its place in {@link #slots}; kept up to date by {@link #swap}. */
    private static final class Slot {
        private final Pipe pipe;
        private int index;

        Slot(Pipe pipe, int index) {
            this.pipe = pipe;
            this.index = index;
        }
    }

    // The pipes; those at [0, active) may have messages, the others ran dry.
    private final ArrayList<Slot> slots = new ArrayList<>();
    private final Map<Pipe, Slot> slotOf = new IdentityHashMap<>();
    private int active;
    // The pipe of the last whole message read (null once it terminated), for its credential.
    private Pipe lastIn;
    // The next active pipe to read from.
    private int current;
    // Part of a multipart message was read: the rest comes from the same pipe.
    private boolean more;
    private Blob savedCredential;

    public void attach(Pipe pipe) {
        Slot slot = new Slot(pipe, slots.size());
        slots.add(slot);
        slotOf.put(pipe, slot);
        swap(active, slot.index);
        active++;
    }

    public void terminated(Pipe pipe) {
        Slot slot = slotOf.remove(pipe);
        if (slot != null) {
            if (slot.index < active) {
                active--;
                swap(slot.index, active);
                if (current == active) {
                    current = 0;
                }
            }
            // Among the dry pipes now (or the last active place was its own): their order does not matter.
            int last = slots.size() - 1;
            swap(slot.index, last);
            slots.remove(last);
        }
        if (lastIn == pipe) {
            savedCredential = lastIn.getCredential();
            lastIn = null;
        }
    }

    public void activated(Pipe pipe) {
        swap(slotOf.get(pipe).index, active);
        active++;
    }

    public Msg recv(Errno errno) {
        return recvPipe(errno, null);
    }

    public Msg recvPipe(Errno errno, ValueReference<Pipe> pipe) {
        while (active > 0) {
            Pipe candidate = slots.get(current).pipe;
            Msg msg = candidate.read();
            if (msg != null) {
                if (pipe != null) {
                    pipe.set(candidate);
                }
                more = msg.hasMore();
                if (!more) {
                    lastIn = candidate;
                    current = (current + 1) % active;
                }
                return msg;
            }
            // A pipe cannot run dry in the middle of a message: its parts are written at once.
            assert !more;
            deactivateCurrent();
        }
        errno.set(ZError.EAGAIN);
        return null;
    }

    public boolean hasIn() {
        if (more) {
            return true;
        }
        // Skips (and deactivates) dry pipes; with none ready, current comes back where it was.
        while (active > 0) {
            if (slots.get(current).pipe.checkRead()) {
                return true;
            }
            deactivateCurrent();
        }
        return false;
    }

    public Blob getCredential() {
        return lastIn != null ? lastIn.getCredential() : savedCredential;
    }

    private void deactivateCurrent() {
        active--;
        swap(current, active);
        if (current == active) {
            current = 0;
        }
    }

    private void swap(int i, int j) {
        if (i == j) {
            return;
        }
        Slot a = slots.get(i);
        Slot b = slots.get(j);
        slots.set(i, b);
        slots.set(j, a);
        a.index = j;
        b.index = i;
    }
}
