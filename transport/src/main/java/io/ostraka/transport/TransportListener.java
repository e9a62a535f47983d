package io.ostraka.transport;

/**
 * Events a metrics or logging layer can observe. Called on transport threads: implementations
 * must be quick and must not block. Every method has an empty default.
 */
public interface TransportListener {
    TransportListener NONE = new TransportListener() {
    };

    /** Progress of an outgoing snapshot: {@code sentBytes} of {@code totalBytes} streamed so far. */
    default void snapshotProgress(long groupId, long peerId, long sentBytes, long totalBytes) {
    }

    /** An outgoing snapshot finished ({@code delivered}) or failed. */
    default void snapshotFinished(long groupId, long peerId, boolean delivered, String detail) {
    }

    /** The stream to {@code peerId} was established (after a handshake). */
    default void peerConnected(long peerId) {
    }

    /** The stream to {@code peerId} broke; the transport reconnects after {@code backoffMillis}. */
    default void peerDisconnected(long peerId, String reason, long backoffMillis) {
    }
}
