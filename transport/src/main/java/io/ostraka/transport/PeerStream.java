package io.ostraka.transport;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.ostraka.node.Inbound;
import io.ostraka.raft.Message;
import io.ostraka.transport.proto.Batch;
import io.ostraka.transport.proto.PeerFrame;
import io.ostraka.transport.proto.PeerGrpc;
import io.ostraka.transport.proto.PeerReply;
import io.ostraka.transport.proto.RaftMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outgoing message stream to one peer process: a bounded queue and one long-lived
 * {@code Peer.Messages} call that carries batches of it for every group.
 *
 * <p>States and transitions (all under {@code this}):
 * <pre>
 *   IDLE ──first send──▶ CONNECTING ──HelloAck──▶ CONNECTED
 *                           │  ▲                      │
 *   call fails / no ack in  │  │backoff elapsed       │call fails / peer closes
 *   handshakeTimeout        │  │                      │
 *                           ▼  │                      ▼
 *                         BACKOFF ◀───────────────────┘
 *   any ──close()──▶ CLOSED;  any ──address changed──▶ CONNECTING (failures reset)
 *   BACKOFF ──send, last attempt at least min(backoffBase, 50 ms) ago──▶ CONNECTING
 * </pre>
 * In CONNECTING and CONNECTED sends are queued up to the configured bounds; in BACKOFF (the peer
 * was down at the last attempt) and when the queue is full they are dropped and reported to
 * {@link Inbound#reportUnreachable} at once, so the core falls back to probing instead of the
 * transport buffering an outage. When a call fails, everything still queued is reported the
 * same way; batches already handed to gRPC may or may not have arrived (Raft tolerates both).
 *
 * <p>Backpressure: batches are written only while the call {@code isReady()}; otherwise messages
 * wait in the (bounded) queue until gRPC's on-ready callback drains it.
 */
final class PeerStream {
    enum State { IDLE, CONNECTING, CONNECTED, BACKOFF, CLOSED }

    /** A queued message and the queue bytes it accounts for. */
    private record Queued(Message message, long sizeBytes) {
    }

    private final long peerId;
    private final TransportConfig config;
    private final TransportMetrics metrics;
    private final Supplier<ManagedChannel> channel;
    private final Supplier<Inbound> inbound;
    private final Executor executor;
    private final ScheduledExecutorService scheduler;
    private final Backoff backoff;

    // Guarded by this.
    private State state = State.IDLE;
    private final ArrayDeque<Queued> queue = new ArrayDeque<>();
    // Invariant: queuedBytes == sum of queue[i].sizeBytes
    private long queuedBytes;
    private ClientCallStreamObserver<PeerFrame> call;
    /** Identifies the current call; callbacks of older calls are ignored. */
    private long generation;
    private int failures;
    private boolean everConnected;
    private boolean drainScheduled;
    private ScheduledFuture<?> reconnect;
    private ScheduledFuture<?> handshakeTimer;
    /** When the current call completed its handshake. */
    private long connectedNanos;
    /** A call up at least this long counts as established: its failure is retried without delay. */
    private static final long ESTABLISHED_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Room in a frame for the frame's and the batch's own fields around the messages. */
    private static final int FRAME_OVERHEAD_BYTES = 1024;
    private static final Logger log = LoggerFactory.getLogger(PeerStream.class);
    /** When the last call was opened: demand reconnects in BACKOFF are spaced by {@link #demandSpacingNanos}. */
    private long lastConnectNanos;
    /** The backoff base, at most 50 ms: how often sends may retry a peer that was down. */
    private final long demandSpacingNanos;

    PeerStream(long peerId, TransportConfig config, TransportMetrics metrics, Supplier<ManagedChannel> channel,
               Supplier<Inbound> inbound, Executor executor, ScheduledExecutorService scheduler, Backoff backoff) {
        this.peerId = peerId;
        this.config = config;
        this.metrics = metrics;
        this.channel = channel;
        this.inbound = inbound;
        this.executor = executor;
        this.scheduler = scheduler;
        this.backoff = backoff;
        this.demandSpacingNanos = Math.min(config.backoffBase().toNanos(), TimeUnit.MILLISECONDS.toNanos(50));
    }

    synchronized State state() {
        return state;
    }

    /**
     * Queues one message, or reports it unreachable; never blocks. Returns true when the stream
     * is connected and the caller should {@link #flush} once it queued the rest of its messages.
     */
    boolean enqueue(Message message) {
        long size = estimateBytes(message);
        boolean dropped;
        boolean connected = false;
        synchronized (this) {
            if (state == State.BACKOFF && System.nanoTime() - lastConnectNanos >= demandSpacingNanos) {
                // A message wants out and no attempt was made for a while: try now instead of at
                // the end of a backoff that grew to seconds while the peer was down. Followers
                // rarely talk to each other, so a pre-vote between them would otherwise meet a
                // stream still backing off from the peer's last restart, and the election would
                // wait a whole timeout.
                connect();
            }
            dropped = state == State.BACKOFF || state == State.CLOSED
                    || queue.size() >= config.sendQueueMessagesMax()
                    || (!queue.isEmpty() && queuedBytes + size > config.sendQueueBytesMax());
            if (!dropped) {
                queue.add(new Queued(message, size));
                queuedBytes += size;
                if (state == State.IDLE) {
                    connect();
                }
                connected = state == State.CONNECTED;
            }
        }
        if (dropped) {
            metrics.messagesDropped.increment();
            inbound.get().reportUnreachable(message.groupId(), peerId);
        }
        return connected;
    }

    /**
     * Writes what is queued on the caller's thread — the sender's event loop — while the call
     * accepts it. gRPC hands the frame to its Netty thread; going through a transport thread
     * first would cost the message another thread wake-up on its way out.
     */
    void flush() {
        long callGeneration;
        synchronized (this) {
            callGeneration = generation;
        }
        try {
            drain();
        } catch (RuntimeException e) {
            // The caller is a Raft event loop: a failing call must end this stream (and report
            // its queued messages lost), never the loop's group.
            onFailure(callGeneration, "send failed: " + e);
        }
    }

    /** The peer's address changed: drop the current call and connect to the new address now. */
    void reset(String reason) {
        List<Message> lost;
        synchronized (this) {
            if (state == State.CLOSED || state == State.IDLE) {
                return;
            }
            lost = endCall(reason);
            failures = 0;
            connect();
        }
        reportLost(lost);
    }

    void close() {
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            endCall("transport closed");
            state = State.CLOSED;
        }
    }

    /** Ends the current call and empties the queue; returns the messages lost. Caller holds the lock. */
    private List<Message> endCall(String reason) {
        generation++;
        if (call != null) {
            call.cancel(reason, null);
            call = null;
        }
        if (reconnect != null) {
            reconnect.cancel(false);
            reconnect = null;
        }
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
            handshakeTimer = null;
        }
        List<Message> lost = new ArrayList<>(queue.size());
        for (Queued q : queue) {
            lost.add(q.message());
        }
        queue.clear();
        queuedBytes = 0;
        return lost;
    }

    /** Opens a new call and sends the Hello. Caller holds the lock. */
    private void connect() {
        if (reconnect != null) {
            reconnect.cancel(false);
            reconnect = null;
        }
        lastConnectNanos = System.nanoTime();
        state = State.CONNECTING;
        long myGeneration = ++generation;
        ManagedChannel ch = channel.get();
        ch.resetConnectBackoff(); // our backoff governs, not the channel's (which grows to minutes)
        ClientResponseObserver<PeerFrame, PeerReply> observer = new ClientResponseObserver<>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<PeerFrame> requestStream) {
                requestStream.setOnReadyHandler(() -> onReady(myGeneration));
            }

            @Override
            public void onNext(PeerReply reply) {
                onAck(myGeneration, reply);
            }

            @Override
            public void onError(Throwable t) {
                onFailure(myGeneration, Status.fromThrowable(t).toString());
                if (refused(t)) {
                    inbound.get().reportPeerDown(peerId);
                }
            }

            @Override
            public void onCompleted() {
                onFailure(myGeneration, "peer closed the stream");
            }
        };
        call = (ClientCallStreamObserver<PeerFrame>) PeerGrpc.newStub(ch).messages(observer);
        call.onNext(PeerFrame.newBuilder().setHello(new Handshake(config).hello(peerId)).build());
        handshakeTimer = scheduler.schedule(() -> onHandshakeTimeout(myGeneration),
                config.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void onHandshakeTimeout(long callGeneration) {
        String reason = "no handshake reply within " + config.handshakeTimeout();
        Failure failure;
        synchronized (this) {
            if (callGeneration != generation || state != State.CONNECTING) {
                return;
            }
            failure = failLocked(reason);
        }
        config.listener().peerDisconnected(peerId, reason, failure.delayMillis());
        reportLost(failure.lost());
    }

    private void onAck(long callGeneration, PeerReply reply) {
        // One critical section: between a check and a second lock, the handshake timer (or a
        // reset, or close) could end this call, and CONNECTED would then stand with no call.
        Failure failure = null;
        synchronized (this) {
            if (callGeneration != generation || state != State.CONNECTING) {
                return;
            }
            if (!reply.hasHelloAck() || reply.getHelloAck().getNodeId() != peerId) {
                failure = failLocked("unexpected handshake reply " + reply);
            } else {
                connected();
            }
        }
        if (failure != null) {
            config.listener().peerDisconnected(peerId, "unexpected handshake reply", failure.delayMillis());
            reportLost(failure.lost());
            return;
        }
        config.listener().peerConnected(peerId);
    }

    /** The handshake succeeded: start sending. Caller holds the lock. */
    private void connected() {
        state = State.CONNECTED;
        connectedNanos = System.nanoTime();
        failures = 0;
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
            handshakeTimer = null;
        }
        if (everConnected) {
            metrics.reconnects.increment();
        }
        everConnected = true;
        scheduleDrain();
    }

    private void onFailure(long callGeneration, String reason) {
        Failure failure;
        synchronized (this) {
            if (callGeneration != generation || state == State.CLOSED) {
                return;
            }
            failure = failLocked(reason);
        }
        config.listener().peerDisconnected(peerId, reason, failure.delayMillis());
        reportLost(failure.lost());
    }

    private record Failure(List<Message> lost, long delayMillis) {
    }

    /** Ends the call, enters BACKOFF and schedules the reconnect. Caller holds the lock. */
    private Failure failLocked(String reason) {
        // A connection that had been up for a while is retried at once: if the peer's process
        // died, the refused reconnect reports it down (Inbound#reportPeerDown) without waiting.
        boolean established = state == State.CONNECTED && System.nanoTime() - connectedNanos >= ESTABLISHED_NANOS;
        List<Message> lost = endCall(reason);
        state = State.BACKOFF;
        failures++;
        long delay = established ? 0 : backoff.delayMillis(failures);
        long myGeneration = generation;
        reconnect = scheduler.schedule(() -> reconnect(myGeneration), delay, TimeUnit.MILLISECONDS);
        return new Failure(lost, delay);
    }

    private synchronized void reconnect(long expectedGeneration) {
        if (state == State.BACKOFF && generation == expectedGeneration) {
            reconnect = null;
            connect();
        }
    }

    private void onReady(long callGeneration) {
        synchronized (this) {
            if (callGeneration == generation && state == State.CONNECTED) {
                scheduleDrain();
            }
        }
    }

    /** Caller holds the lock. */
    private void scheduleDrain() {
        if (!drainScheduled) {
            drainScheduled = true;
            executor.execute(this::drain);
        }
    }

    /** Writes batches while the call accepts them; on the sender's thread or the transport executor. */
    private synchronized void drain() {
        drainScheduled = false;
        if (state != State.CONNECTED || call == null) {
            return;
        }
        // A frame over the peer's frameBytesMax resets the whole stream (every group's traffic on
        // it), and a retry would build the same frame: batches stay well under it, whatever
        // batchBytesMax says, and a single message too large for it is dropped, not sent.
        long budget = Math.min(config.batchBytesMax(), config.frameBytesMax() / 2);
        while (!queue.isEmpty() && call.isReady()) {
            Batch.Builder batch = Batch.newBuilder();
            long batchBytes = 0;
            while (!queue.isEmpty() && batch.getMessagesCount() < config.batchMessagesMax()) {
                Queued next = queue.peek();
                if (batch.getMessagesCount() > 0 && batchBytes + next.sizeBytes() > budget) {
                    break;
                }
                queue.poll();
                queuedBytes -= next.sizeBytes();
                RaftMessage encoded = Codec.encode(next.message());
                if (encoded.getSerializedSize() > config.frameBytesMax() - FRAME_OVERHEAD_BYTES) {
                    log.warn("node {}: dropped a {} to node {} of {} bytes: over frameBytesMax {}", config.nodeId(),
                            next.message().type(), peerId, encoded.getSerializedSize(), config.frameBytesMax());
                    reportLost(List.of(next.message()));
                    continue;
                }
                batch.addMessages(encoded);
                batchBytes += encoded.getSerializedSize();
            }
            if (batch.getMessagesCount() == 0) {
                continue;
            }
            PeerFrame frame = PeerFrame.newBuilder().setBatch(batch).build();
            call.onNext(frame);
            metrics.batchesSent.increment();
            metrics.messagesSent.add(batch.getMessagesCount());
            metrics.bytesSent.add(frame.getSerializedSize());
        }
    }

    private void reportLost(List<Message> lost) {
        if (lost.isEmpty()) {
            return;
        }
        metrics.messagesDropped.add(lost.size());
        Set<Long> groups = new LinkedHashSet<>();
        for (Message m : lost) {
            groups.add(m.groupId());
        }
        Inbound in = inbound.get();
        for (long group : groups) {
            in.reportUnreachable(group, peerId);
        }
    }

    /**
     * Whether a call failed because nothing listens at the peer's address (TCP RST on connect):
     * its process is not running. Connect timeouts and unreachable hosts, which partitions and
     * overload cause, do not count.
     */
    static boolean refused(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.net.ConnectException && !c.getClass().getSimpleName().contains("Timeout")
                    && c.getMessage() != null && c.getMessage().toLowerCase(java.util.Locale.ROOT).contains("refused")) {
                return true;
            }
        }
        return false;
    }

    /** Queue accounting: entry payloads plus a fixed allowance for headers. */
    static long estimateBytes(Message m) {
        return m.entriesBytes() + 64;
    }
}
