package zmq.util;

import org.junit.jupiter.api.Test;
import zmq.Msg;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Blobs as map keys: equality by content, and hash codes that spread a ROUTER's routing ids. */
class BlobTest {

    @Test
    void theClassPathResolvesJeroMqsBlobToThisOne() throws Exception {
        assertEquals("director", Class.forName("zmq.util.Blob").getField("ORIGIN").get(null));
    }

    @Test
    void equalBytesAreEqualKeysAndOthersAreNot() {
        Blob a = Blob.createBlob(new byte[]{0, 1, 2, 3, 4});
        Blob b = Blob.createBlob(new byte[]{0, 1, 2, 3, 4});
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, Blob.createBlob(new byte[]{0, 1, 2, 3}));
        assertNotEquals(a, Blob.createBlob(new byte[]{0, 1, 2, 3, 5}));
        assertNotEquals(a, "not a blob");
        assertEquals(Blob.createBlob(new byte[0]), Blob.createBlob(new byte[0]));
        assertEquals(5, a.size());
    }

    @Test
    void aBlobOfAMessageIsACopyAndOneOfBytesIsNot() {
        byte[] bytes = {1, 2, 3};
        Msg msg = new Msg(bytes.clone());
        Blob copied = Blob.createBlob(msg);
        msg.data()[0] = 9;
        assertArrayEquals(new byte[]{1, 2, 3}, copied.data());
        Blob shared = Blob.createBlob(bytes);
        bytes[0] = 9;
        assertEquals(9, shared.data()[0]);
    }

    @Test
    void routingIdsOfConsecutiveConnectionsHaveDistinctHashCodes() {
        // A ROUTER names its connections with a zero byte and a counter from a random start.
        for (int start : new int[]{0, 1, 0x7fff_f000, 0xdead_0000, -10_000}) {
            Set<Integer> hashes = new HashSet<>();
            int javaHashes;
            Set<Integer> arrays = new HashSet<>();
            for (int i = 0; i < 10_000; i++) {
                byte[] id = ByteBuffer.allocate(5).put((byte) 0).putInt(start + i).array();
                hashes.add(Blob.createBlob(id).hashCode());
                arrays.add(Arrays.hashCode(id));
            }
            javaHashes = arrays.size();
            // Random 32-bit codes for 10,000 keys would collide about 0.01 times.
            assertTrue(hashes.size() >= 9_998, "start " + start + ": " + hashes.size() + " distinct hash codes");
            assertTrue(javaHashes < 2_000, "the case this fixes: Arrays.hashCode gave " + javaHashes);
        }
    }

    @Test
    void aMapOfTenThousandRoutingIdsFindsEachOne() {
        Map<Blob, Integer> map = new HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            map.put(Blob.createBlob(ByteBuffer.allocate(5).put((byte) 0).putInt(i).array()), i);
        }
        for (int i = 0; i < 10_000; i++) {
            assertEquals(i, map.get(Blob.createBlob(ByteBuffer.allocate(5).put((byte) 0).putInt(i).array())));
        }
    }
}
