package io.ostraka.transport;

import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * Settings of a {@link GrpcTransport}. Build with {@link #builder(long, String)}; every limit
 * has a default that suits a small cluster.
 *
 * @param nodeId                 this node's id (> 0)
 * @param clusterId              refuses peers of another cluster (non-empty)
 * @param listenHost             interface to bind ("0.0.0.0" by default)
 * @param port                   peer port, 7379 by default; 0 binds an ephemeral port
 * @param sendQueueMessagesMax   per-peer queue bound in messages
 * @param sendQueueBytesMax      per-peer queue bound in encoded bytes
 * @param batchMessagesMax       most messages in one frame
 * @param batchBytesMax          most encoded bytes in one frame (one message always fits)
 * @param frameBytesMax          largest frame accepted from a peer
 * @param backoffBase            first reconnect delay
 * @param backoffMax             reconnect delay cap
 * @param handshakeTimeout       a stream whose hello is not acknowledged in this time counts as failed
 * @param random                 jitter source; seed it for reproducible runs
 * @param forwardDeadline        deadline of forwarded requests
 * @param snapshotChunkBytes     bytes per snapshot chunk
 * @param snapshotBytesPerSecond snapshot throttle, 0 = unlimited
 * @param nanoClock              monotonic clock for the throttle (System::nanoTime in production)
 * @param snapshotFiles          the local snapshot store (read when sending, written when receiving)
 * @param security               credentials hook (plaintext today; mTLS later)
 * @param listener               events for metrics and logs
 * @param ioThreads              network I/O threads; they also host the node's event loops
 *                               ({@link GrpcTransport#loopHosts()}), so one per loop is best
 * @param ioGroup                an event loop group to do the network I/O on instead of
 *                               {@code ioThreads} threads of the transport's own (null: own); its
 *                               owner shuts it down, after closing the transport. NIO or native
 *                               epoll: the transport's channels follow its kind ({@link NettyIo})
 */
public record TransportConfig(
        long nodeId,
        String clusterId,
        String listenHost,
        int port,
        int sendQueueMessagesMax,
        long sendQueueBytesMax,
        int batchMessagesMax,
        long batchBytesMax,
        int frameBytesMax,
        Duration backoffBase,
        Duration backoffMax,
        Duration handshakeTimeout,
        RandomGenerator random,
        Duration forwardDeadline,
        int snapshotChunkBytes,
        long snapshotBytesPerSecond,
        LongSupplier nanoClock,
        SnapshotFiles snapshotFiles,
        TransportSecurity security,
        TransportListener listener,
        int ioThreads,
        EventLoopGroup ioGroup) {

    public static final int DEFAULT_PORT = 7379;
    /** The version of the peer protocol (proto/peer.proto) this build speaks. */
    public static final int PROTOCOL_VERSION = 1;

    public TransportConfig {
        require(nodeId > 0, "nodeId", nodeId, "must be positive");
        require(clusterId != null && !clusterId.isEmpty(), "clusterId", clusterId, "must not be empty");
        require(port >= 0 && port <= 65535, "port", port, "must be in [0, 65535]");
        require(ioThreads >= 1 && ioThreads <= 64, "ioThreads", ioThreads, "must be in [1, 64]");
        require(sendQueueMessagesMax > 0, "sendQueueMessagesMax", sendQueueMessagesMax, "must be positive");
        require(sendQueueBytesMax > 0, "sendQueueBytesMax", sendQueueBytesMax, "must be positive");
        require(batchMessagesMax > 0, "batchMessagesMax", batchMessagesMax, "must be positive");
        require(batchBytesMax > 0, "batchBytesMax", batchBytesMax, "must be positive");
        require(frameBytesMax >= 1 << 20, "frameBytesMax", frameBytesMax, "must be at least 1 MiB");
        require(snapshotChunkBytes > 0 && snapshotChunkBytes <= frameBytesMax / 2, "snapshotChunkBytes",
                snapshotChunkBytes, "must be positive and at most half of frameBytesMax");
        require(snapshotBytesPerSecond >= 0, "snapshotBytesPerSecond", snapshotBytesPerSecond, "must not be negative");
        require(handshakeTimeout.toMillis() > 0, "handshakeTimeout", handshakeTimeout, "must be positive");
        require(!forwardDeadline.isNegative() && !forwardDeadline.isZero(), "forwardDeadline", forwardDeadline,
                "must be positive");
        Objects.requireNonNull(listenHost, "listenHost");
        Objects.requireNonNull(random, "random");
        Objects.requireNonNull(nanoClock, "nanoClock");
        Objects.requireNonNull(snapshotFiles, "snapshotFiles");
        Objects.requireNonNull(security, "security");
        Objects.requireNonNull(listener, "listener");
        new Backoff(backoffBase, backoffMax, random); // validates base/max
    }

    private static void require(boolean ok, String name, Object value, String rule) {
        if (!ok) {
            throw new IllegalArgumentException(name + "=" + value + ": " + rule);
        }
    }

    public static Builder builder(long nodeId, String clusterId) {
        return new Builder(nodeId, clusterId);
    }

    public static final class Builder {
        private final long nodeId;
        private final String clusterId;
        private String listenHost = "0.0.0.0";
        private int port = DEFAULT_PORT;
        private int sendQueueMessagesMax = 4096;
        private long sendQueueBytesMax = 64L << 20;
        private int batchMessagesMax = 512;
        private long batchBytesMax = 4L << 20;
        private int frameBytesMax = 64 << 20;
        private Duration backoffBase = Duration.ofMillis(50);
        private Duration backoffMax = Duration.ofSeconds(5);
        private Duration handshakeTimeout = Duration.ofSeconds(5);
        private RandomGenerator random;
        private Duration forwardDeadline = Duration.ofSeconds(5);
        private int snapshotChunkBytes = 1 << 20;
        private long snapshotBytesPerSecond;
        private LongSupplier nanoClock = System::nanoTime;
        private SnapshotFiles snapshotFiles;
        private TransportSecurity security = TransportSecurity.plaintext();
        private TransportListener listener = TransportListener.NONE;
        private int ioThreads = 1;
        private EventLoopGroup ioGroup;

        private Builder(long nodeId, String clusterId) {
            this.nodeId = nodeId;
            this.clusterId = clusterId;
            this.random = new SplittableRandom(nodeId);
        }

        public Builder listenHost(String v) { listenHost = v; return this; }
        public Builder port(int v) { port = v; return this; }
        public Builder sendQueueMessagesMax(int v) { sendQueueMessagesMax = v; return this; }
        public Builder sendQueueBytesMax(long v) { sendQueueBytesMax = v; return this; }
        public Builder batchMessagesMax(int v) { batchMessagesMax = v; return this; }
        public Builder batchBytesMax(long v) { batchBytesMax = v; return this; }
        public Builder frameBytesMax(int v) { frameBytesMax = v; return this; }
        public Builder backoffBase(Duration v) { backoffBase = v; return this; }
        public Builder backoffMax(Duration v) { backoffMax = v; return this; }
        public Builder handshakeTimeout(Duration v) { handshakeTimeout = v; return this; }
        public Builder random(RandomGenerator v) { random = v; return this; }
        public Builder forwardDeadline(Duration v) { forwardDeadline = v; return this; }
        public Builder snapshotChunkBytes(int v) { snapshotChunkBytes = v; return this; }
        public Builder snapshotBytesPerSecond(long v) { snapshotBytesPerSecond = v; return this; }
        public Builder nanoClock(LongSupplier v) { nanoClock = v; return this; }
        public Builder snapshotFiles(SnapshotFiles v) { snapshotFiles = v; return this; }
        public Builder security(TransportSecurity v) { security = v; return this; }
        public Builder listener(TransportListener v) { listener = v; return this; }
        public Builder ioThreads(int v) { ioThreads = v; return this; }
        public Builder ioGroup(EventLoopGroup v) { ioGroup = v; return this; }

        public TransportConfig build() {
            return new TransportConfig(nodeId, clusterId, listenHost, port, sendQueueMessagesMax, sendQueueBytesMax,
                    batchMessagesMax, batchBytesMax, frameBytesMax, backoffBase, backoffMax, handshakeTimeout, random, forwardDeadline,
                    snapshotChunkBytes, snapshotBytesPerSecond, nanoClock, snapshotFiles, security, listener, ioThreads, ioGroup);
        }
    }
}
