package io.ostraka.transport;

import io.ostraka.transport.proto.Hello;

/**
 * The identification that opens every stream and forward: protocol version, cluster id, sender
 * and intended receiver. A receiver refuses a hello from another cluster or version, or one
 * meant for another node (a stale address now used by a different node).
 */
final class Handshake {
    private final TransportConfig config;

    Handshake(TransportConfig config) {
        this.config = config;
    }

    Hello hello(long toNodeId) {
        return Hello.newBuilder()
                .setProtocolVersion(TransportConfig.PROTOCOL_VERSION)
                .setClusterId(config.clusterId())
                .setFromNodeId(config.nodeId())
                .setToNodeId(toNodeId)
                .build();
    }

    /** Why the hello is refused, or null when it is acceptable. */
    String refuse(Hello hello) {
        if (hello.getProtocolVersion() != TransportConfig.PROTOCOL_VERSION) {
            return "protocol version " + hello.getProtocolVersion() + " not supported (this node speaks "
                    + TransportConfig.PROTOCOL_VERSION + ")";
        }
        if (!hello.getClusterId().equals(config.clusterId())) {
            return "cluster id '" + hello.getClusterId() + "' is not this node's cluster '" + config.clusterId() + "'";
        }
        if (hello.getFromNodeId() <= 0) {
            return "sender node id " + Long.toUnsignedString(hello.getFromNodeId()) + " is not positive";
        }
        if (hello.getToNodeId() != config.nodeId()) {
            return "this is node " + config.nodeId() + ", not node " + Long.toUnsignedString(hello.getToNodeId());
        }
        return null;
    }
}
