package io.ostraka.transport;

import java.util.concurrent.atomic.LongAdder;

/**
 * Monotonic counters of one transport (and two gauges, the snapshot streams in progress), read
 * with the getters; a metrics registry exports them. "Dropped" counts every outgoing message reported unreachable (no address, queue full,
 * peer in backoff, lost with a broken stream) and every incoming message refused (addressed to
 * another node, undecodable batch).
 */
public final class TransportMetrics {
    final LongAdder messagesSent = new LongAdder();
    final LongAdder messagesReceived = new LongAdder();
    final LongAdder messagesDropped = new LongAdder();
    final LongAdder messagesMisaddressed = new LongAdder();
    final LongAdder batchesSent = new LongAdder();
    final LongAdder bytesSent = new LongAdder();
    final LongAdder bytesReceived = new LongAdder();
    final LongAdder reconnects = new LongAdder();
    final LongAdder streamResets = new LongAdder();
    final LongAdder snapshotBytesSent = new LongAdder();
    final LongAdder snapshotBytesReceived = new LongAdder();
    final LongAdder snapshotsSent = new LongAdder();
    final LongAdder snapshotsFailed = new LongAdder();
    final LongAdder snapshotsReceived = new LongAdder();
    final LongAdder snapshotsResumed = new LongAdder();
    final LongAdder snapshotsSending = new LongAdder();
    final LongAdder snapshotsReceiving = new LongAdder();
    final LongAdder forwardsSent = new LongAdder();
    final LongAdder forwardsFailed = new LongAdder();

    public long messagesSent() { return messagesSent.sum(); }
    public long messagesReceived() { return messagesReceived.sum(); }
    public long messagesDropped() { return messagesDropped.sum(); }
    /** Received messages whose {@code to} is not this node (a subset of dropped). */
    public long messagesMisaddressed() { return messagesMisaddressed.sum(); }
    public long batchesSent() { return batchesSent.sum(); }
    /** Serialized bytes of message batches sent. */
    public long bytesSent() { return bytesSent.sum(); }
    public long bytesReceived() { return bytesReceived.sum(); }
    /** Streams re-established after a failure (the first connection to a peer is not counted). */
    public long reconnects() { return reconnects.sum(); }
    /** Incoming streams this node reset because a frame was invalid. */
    public long streamResets() { return streamResets.sum(); }
    public long snapshotBytesSent() { return snapshotBytesSent.sum(); }
    public long snapshotBytesReceived() { return snapshotBytesReceived.sum(); }
    public long snapshotsSent() { return snapshotsSent.sum(); }
    public long snapshotsFailed() { return snapshotsFailed.sum(); }
    public long snapshotsReceived() { return snapshotsReceived.sum(); }
    /** Outgoing snapshot streams that continued from bytes the receiver already held. */
    public long snapshotsResumed() { return snapshotsResumed.sum(); }
    /** Outgoing snapshot streams in progress now (a gauge, not a counter). */
    public long snapshotsSending() { return snapshotsSending.sum(); }
    /** Incoming snapshot streams in progress now (a gauge, not a counter). */
    public long snapshotsReceiving() { return snapshotsReceiving.sum(); }
    public long forwardsSent() { return forwardsSent.sum(); }
    public long forwardsFailed() { return forwardsFailed.sum(); }

    @Override
    public String toString() {
        return "sent=" + messagesSent() + " received=" + messagesReceived() + " dropped=" + messagesDropped()
                + " reconnects=" + reconnects() + " snapshotBytesSent=" + snapshotBytesSent();
    }
}
