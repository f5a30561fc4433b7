package io.director.client.transfer;

import zmq.Msg;
import zmq.msg.MsgAllocator;

import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * Where JeroMQ puts the messages a transfer connection receives: a message of more than
 * {@link #THRESHOLD} bytes (a chunk's data, sealed or not) goes into a buffer outside the heap,
 * taken from a small pool that {@link FileFetcher} refills once the chunk is opened, checked and
 * written; smaller ones (headers) onto the heap, as JeroMQ does by default.
 * <p>
 * Why: the client runs with a heap of a few MiB that shrinks when mostly free, and a new 1 MiB
 * array per chunk kept it collecting, most of it full collections: a third of the client's CPU
 * in a transfer (bench/run transfer). A direct buffer is also written to the file without being
 * copied into the JDK's temporary direct buffer first.
 * <p>
 * JeroMQ's I/O thread allocates and the fetching thread releases, hence the concurrent queue. A
 * buffer that is never released (a chunk dropped with a failed fetch) is left to the collector.
 */
final class ChunkBuffers implements MsgAllocator {

    /** Smaller messages go on the heap. */
    static final int THRESHOLD = 64 * 1024;

    private final int capacity;
    private final ArrayBlockingQueue<ByteBuffer> free;

    /**
     * @param capacity the largest chunk, the size of every pooled buffer
     * @param pooled   buffers kept for reuse at most (the fetcher's window, and one being written)
     */
    ChunkBuffers(int capacity, int pooled) {
        this.capacity = capacity;
        this.free = new ArrayBlockingQueue<>(pooled);
    }

    @Override
    public Msg allocate(int size) {
        if (size < THRESHOLD || size > capacity) {
            return new Msg(size);
        }
        ByteBuffer buffer = free.poll();
        if (buffer == null) {
            buffer = ByteBuffer.allocateDirect(capacity);
        }
        buffer.clear().limit(size);
        return new Msg(buffer);
    }

    /** Takes back a chunk's buffer once its bytes are used; buffers not from this pool are ignored. */
    void release(ByteBuffer buffer) {
        if (buffer.isDirect() && buffer.capacity() == capacity) {
            free.offer(buffer);
        }
    }
}
