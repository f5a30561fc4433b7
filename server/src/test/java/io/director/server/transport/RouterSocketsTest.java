package io.director.server.transport;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Connection keys: a routing id and back, and a key stored by an older server. */
class RouterSocketsTest {

    @Test
    void aRoutingIdComesBackFromItsConnectionKey() {
        byte[] id = {0, 0x12, 0x34, (byte) 0xab, (byte) 0xff};
        assertEquals("001234abff", RouterSockets.connection(id));
        assertArrayEquals(id, RouterSockets.routingId(RouterSockets.connection(id)));
    }

    @Test
    void aKeyThatIsNotHexGivesItsOwnBytesWhichNoConnectionHas() {
        // Older servers stored the id's bytes as ISO-8859-1 text: a zero byte and a counter.
        String old = new String(new byte[]{0, 0, 0, 1, 7}, StandardCharsets.ISO_8859_1);
        assertArrayEquals(new byte[]{0, 0, 0, 1, 7}, RouterSockets.routingId(old));
    }
}
