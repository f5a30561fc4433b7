package io.director.server.transport;

import org.zeromq.ZAuth;
import org.zeromq.ZContext;
import org.zeromq.ZMsg;

import java.util.Map;

/**
 * The ZAP handler of a server context (JeroMQ's {@link ZAuth} actor). It lets every CURVE
 * handshake through and names the peer by its public key, which then arrives as the
 * {@code User-Id} of each of its messages. Whether that key may do anything is decided per
 * message by the application: a ZAP refusal cannot tell the node why, and a refused DEALER
 * never tries again, so a pending node would hang without a word.
 */
public final class ZapHandler implements AutoCloseable {

    private final ZAuth auth;

    private ZapHandler(ZAuth auth) {
        this.auth = auth;
    }

    /** Installs the handler in the context; null when the sockets are not encrypted. */
    public static ZapHandler install(ZContext context, WireSecurity security) {
        if (!security.encrypted()) {
            return null;
        }
        ZAuth.Auth curve = new ZAuth.Auth() {
            @Override
            public boolean configure(ZMsg msg, boolean verbose) {
                return true;
            }

            @Override
            public boolean authorize(ZAuth.ZapRequest request, boolean verbose) {
                request.userId = request.clientKey;
                return request.clientKey != null;
            }
        };
        return new ZapHandler(new ZAuth(context, "director-zap", Map.of("CURVE", curve)));
    }

    @Override
    public void close() {
        auth.close();
    }
}
