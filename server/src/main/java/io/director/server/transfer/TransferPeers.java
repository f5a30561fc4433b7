package io.director.server.transfer;

import io.director.server.transport.Peer;

import java.util.Optional;

/**
 * Which node a transfer request comes from. With encryption, the node whose accepted key the
 * connection authenticated with (a request naming another node is refused); without, the node
 * the request names, unchecked — plaintext mode trusts the network, as docs/security.md says.
 */
@FunctionalInterface
public interface TransferPeers {

    /** The asking node's identity, or empty when the peer is no node of this cluster. */
    Optional<String> identity(Peer peer, String claimed);

    /** Plaintext: whoever the request says. */
    static TransferPeers trustingClaims() {
        return (peer, claimed) -> Optional.ofNullable(claimed);
    }
}
