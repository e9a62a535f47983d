package io.ostraka.transport;

import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.ostraka.node.ErrorCode;
import io.ostraka.node.Inbound;
import io.ostraka.node.LoopHost;
import io.ostraka.node.OstrakaException;
import io.ostraka.node.Transport;
import io.ostraka.raft.Message;
import io.ostraka.raft.MessageType;
import io.ostraka.transport.proto.ForwardReply;
import io.ostraka.transport.proto.ForwardRequest;
import io.ostraka.transport.proto.PeerGrpc;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The peer transport of an Ostraka process, on gRPC: see {@code docs/transport.md} for the wire
 * protocol.
 *
 * <p>Per peer process there is one long-lived outgoing message stream ({@link PeerStream}) that
 * carries batches for every group, one channel shared by that stream, snapshot calls and
 * forwards, and nothing else; incoming streams are served by {@link PeerService}. Threads are a
 * small fixed set, all named {@code ostraka-transport-<node>-*}: one netty boss, the netty I/O
 * workers ({@link TransportConfig#ioThreads()}, unless {@link TransportConfig#ioGroup()} lends
 * them), two gRPC callback threads (server and client calls), two for incoming snapshot calls,
 * one timer (reconnect backoff) and one snapshot sender. {@link #close()} stops all of them but a lent I/O group.
 *
 * <p>Lifecycle: construct, {@link #setPeerAddress} for the known peers (any time, also later),
 * {@link #start}, then send; {@link #close()} once.
 */
public final class GrpcTransport implements Transport {
    private static final int CALLBACK_THREADS = 2;

    private final TransportConfig config;
    private final TransportMetrics metrics = new TransportMetrics();
    private final Handshake handshake;
    private final Backoff backoff;
    private final String threadPrefix;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final boolean ownsWorkers;
    private final ExecutorService callbacks;
    private final ScheduledExecutorService timer;
    private final ExecutorService snapshotThread;
    /**
     * Runs InstallSnapshot calls: writing chunks and committing (fsync, and a full verification in
     * the server's store) take long enough that, on the two callback threads, two commits at once
     * stalled every forwarded request to this node.
     */
    private final ExecutorService snapshotReceives;
    private final Map<Long, Peer> peers = new ConcurrentHashMap<>();
    private final Set<CompletableFuture<byte[]>> pendingForwards = ConcurrentHashMap.newKeySet();
    private final SnapshotSender snapshotSender;

    private volatile Inbound inbound;
    private volatile ForwardHandler forwardHandler;
    private volatile SnapshotReceiver snapshotReceiver;
    private volatile Server server;
    private volatile boolean closed;

    /** One peer process: where it is, the channel to it, and the outgoing stream. */
    private final class Peer {
        final long nodeId;
        volatile String address;
        volatile ManagedChannel channel;
        final PeerStream stream;

        Peer(long nodeId, String address) {
            this.nodeId = nodeId;
            this.address = address;
            this.channel = newChannel(address);
            this.stream = new PeerStream(nodeId, config, metrics, () -> channel, () -> inbound, callbacks, timer,
                    backoff);
        }
    }

    public GrpcTransport(TransportConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.handshake = new Handshake(config);
        this.backoff = new Backoff(config.backoffBase(), config.backoffMax(), config.random());
        this.threadPrefix = "ostraka-transport-" + config.nodeId();
        this.ownsWorkers = config.ioGroup() == null;
        this.workers = ownsWorkers
                ? new MultiThreadIoEventLoopGroup(config.ioThreads(), new NamedThreadFactory(threadPrefix + "-io"),
                        NettyIo.ioHandlerFactory())
                : config.ioGroup();
        // The listening channel registers with the boss loop: the same kind as the workers'.
        this.boss = new MultiThreadIoEventLoopGroup(1, new NamedThreadFactory(threadPrefix + "-boss"),
                NettyIo.ioHandlerFactoryLike(workers));
        this.callbacks = Executors.newFixedThreadPool(CALLBACK_THREADS, new NamedThreadFactory(threadPrefix + "-grpc"));
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1,
                new NamedThreadFactory(threadPrefix + "-timer"));
        scheduler.setRemoveOnCancelPolicy(true);
        this.timer = scheduler;
        this.snapshotThread = Executors.newSingleThreadExecutor(new NamedThreadFactory(threadPrefix + "-snapshot"));
        this.snapshotReceives = Executors.newFixedThreadPool(2, new NamedThreadFactory(threadPrefix + "-snapshot-in"));
        this.snapshotSender = new SnapshotSender(config, metrics, handshake, () -> inbound, this::channelOf);
    }

    public TransportConfig config() {
        return config;
    }

    public TransportMetrics metrics() {
        return metrics;
    }

    /** The prefix of every thread this transport owns (for thread dumps and leak checks). */
    public String threadNamePrefix() {
        return threadPrefix;
    }

    /** The bound peer port; with {@code port(0)} the ephemeral port chosen. */
    public int port() {
        Server s = server;
        if (s == null) {
            throw new IllegalStateException("transport of node " + config.nodeId() + " is not started");
        }
        return s.getPort();
    }

    @Override
    public synchronized void start(Inbound inbound) throws IOException {
        if (closed) {
            throw new IllegalStateException("transport of node " + config.nodeId() + " is closed");
        }
        if (server != null) {
            throw new IllegalStateException("transport of node " + config.nodeId() + " already started");
        }
        this.inbound = Objects.requireNonNull(inbound, "inbound");
        SnapshotReceiver receiver = new SnapshotReceiver(config, metrics, inbound, handshake);
        this.snapshotReceiver = receiver;
        Server s = NettyServerBuilder
                .forAddress(new InetSocketAddress(config.listenHost(), config.port()),
                        config.security().serverCredentials())
                .bossEventLoopGroup(boss)
                .workerEventLoopGroup(workers)
                .channelType(NettyIo.serverChannelType(workers))
                .executor(callbacks)
                .callExecutor(new CallExecutors(snapshotReceives))
                .maxInboundMessageSize(config.frameBytesMax())
                .permitKeepAliveTime(10, TimeUnit.SECONDS)
                .addService(new PeerService(config, metrics, inbound, receiver, () -> forwardHandler))
                .build();
        s.start();
        this.server = s;
    }

    @Override
    public void send(List<Message> messages) {
        Inbound in = inboundOrThrow();
        List<PeerStream> toFlush = new ArrayList<>(2);
        for (Message m : messages) {
            Peer peer = peers.get(m.to());
            if (peer == null || closed) {
                metrics.messagesDropped.increment();
                in.reportUnreachable(m.groupId(), m.to());
                continue;
            }
            if (peer.stream.enqueue(m) && !toFlush.contains(peer.stream)) {
                toFlush.add(peer.stream);
            }
        }
        for (PeerStream stream : toFlush) {
            stream.flush(); // one frame per peer, written from the caller's thread
        }
    }

    /**
     * The Netty I/O threads, offered to host the node's event loops: a Raft message read from a
     * peer then reaches its group, and a message sent reaches the socket, with no thread wake-up
     * in between (each one costs tens of microseconds on a small virtual machine). With one I/O
     * thread per loop — the default, one of each — every peer connection is on the loop's thread.
     */
    @Override
    public List<LoopHost> loopHosts() {
        List<LoopHost> hosts = new ArrayList<>();
        for (EventExecutor executor : workers) {
            hosts.add(LoopHost.of(executor));
        }
        return hosts;
    }

    @Override
    public void sendSnapshot(Message snapshotMessage) {
        if (snapshotMessage.type() != MessageType.SNAPSHOT) {
            throw new IllegalArgumentException("not a SNAPSHOT message: " + snapshotMessage);
        }
        Inbound in = inboundOrThrow();
        try {
            snapshotThread.execute(new SnapshotTask(snapshotSender, snapshotMessage));
        } catch (RejectedExecutionException e) {
            in.reportSnapshot(snapshotMessage.groupId(), snapshotMessage.to(), false);
        }
    }

    /** A queued snapshot transfer, which knows its message so that close() can report it failed. */
    private record SnapshotTask(SnapshotSender sender, Message message) implements Runnable {
        @Override
        public void run() {
            sender.send(message);
        }
    }

    @Override
    public void setPeerAddress(long nodeId, String hostPort) {
        if (nodeId <= 0 || nodeId == config.nodeId()) {
            throw new IllegalArgumentException("peer node id " + nodeId + " (this is node " + config.nodeId() + ")");
        }
        Objects.requireNonNull(hostPort, "hostPort");
        if (closed) {
            return;
        }
        ManagedChannel old = null;
        Peer peer = peers.computeIfAbsent(nodeId, id -> new Peer(id, hostPort));
        synchronized (peer) {
            if (!peer.address.equals(hostPort)) {
                old = peer.channel;
                peer.channel = newChannel(hostPort);
                peer.address = hostPort;
            }
        }
        if (old != null) {
            peer.stream.reset("address of node " + nodeId + " changed to " + hostPort);
            old.shutdown();
        }
        if (closed) {
            // close() ran meanwhile and may have missed this peer (still being added) or the
            // channel made for its new address: nothing else would ever shut them down.
            peer.stream.close();
            peer.channel.shutdownNow();
        }
    }

    /** The address last set for {@code nodeId}, or null. */
    public String peerAddress(long nodeId) {
        Peer peer = peers.get(nodeId);
        return peer == null ? null : peer.address;
    }

    @Override
    public CompletableFuture<byte[]> forward(long nodeId, byte[] request) {
        if (closed) {
            return CompletableFuture.failedFuture(new OstrakaException(ErrorCode.STOPPED,
                    "transport of node " + config.nodeId() + " is closed"));
        }
        Peer peer = peers.get(nodeId);
        if (peer == null) {
            return CompletableFuture.failedFuture(new OstrakaException(ErrorCode.NO_QUORUM,
                    "no address known for node " + nodeId));
        }
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        pendingForwards.add(result);
        result.whenComplete((v, t) -> pendingForwards.remove(result));
        if (closed) { // close() may have swept pendingForwards before we registered
            result.completeExceptionally(new OstrakaException(ErrorCode.STOPPED, "transport closed"));
            return result;
        }
        metrics.forwardsSent.increment();
        ForwardRequest req = ForwardRequest.newBuilder()
                .setHello(handshake.hello(nodeId))
                .setPayload(ByteString.copyFrom(request))
                .build();
        PeerGrpc.newStub(peer.channel)
                .withDeadlineAfter(config.forwardDeadline().toNanos(), TimeUnit.NANOSECONDS)
                .forward(req, new ClientResponseObserver<ForwardRequest, ForwardReply>() {
                    @Override
                    public void beforeStart(ClientCallStreamObserver<ForwardRequest> call) {
                        // A caller that cancels its future also cancels the call (and so the handler).
                        result.whenComplete((v, t) -> {
                            if (result.isCancelled()) {
                                call.cancel("caller cancelled the forward", null);
                            }
                        });
                    }

                    @Override
                    public void onNext(ForwardReply reply) {
                        if (reply.hasError()) {
                            metrics.forwardsFailed.increment();
                            result.completeExceptionally(WireErrors.decode(reply.getError(), nodeId));
                        } else {
                            result.complete(reply.getPayload().toByteArray());
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                        metrics.forwardsFailed.increment();
                        result.completeExceptionally(WireErrors.fromStatus(Status.fromThrowable(t), nodeId, closed));
                    }

                    @Override
                    public void onCompleted() {
                        result.completeExceptionally(new OstrakaException(ErrorCode.TIMEOUT,
                                "node " + nodeId + " closed the forward call without a reply"));
                    }
                });
        return result;
    }

    @Override
    public void setForwardHandler(ForwardHandler handler) {
        this.forwardHandler = handler;
    }

    /**
     * Stops serving, fails pending forwards with STOPPED, drops partial snapshot receptions and
     * stops every thread this transport started (waiting a bounded time for them).
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        for (CompletableFuture<byte[]> f : new ArrayList<>(pendingForwards)) {
            f.completeExceptionally(new OstrakaException(ErrorCode.STOPPED,
                    "transport of node " + config.nodeId() + " closed"));
        }
        for (Peer peer : peers.values()) {
            peer.stream.close();
            peer.channel.shutdownNow(); // volatile: read without the peer's lock, which a channel being built holds
        }
        Inbound in = inbound;
        for (Runnable queued : snapshotThread.shutdownNow()) {
            // Transfers queued behind the one in flight (which reports its own failure when
            // interrupted): every accepted sendSnapshot ends in a report, or the leader's progress
            // for that peer would wait in snapshot state.
            if (queued instanceof SnapshotTask task && in != null) {
                in.reportSnapshot(task.message().groupId(), task.message().to(), false);
            }
        }
        Server s = server;
        if (s != null) {
            s.shutdownNow();
        }
        SnapshotReceiver receiver = snapshotReceiver;
        try {
            for (Peer peer : peers.values()) {
                peer.channel.awaitTermination(5, TimeUnit.SECONDS);
            }
            if (s != null) {
                s.awaitTermination(5, TimeUnit.SECONDS);
            }
            snapshotThread.awaitTermination(5, TimeUnit.SECONDS);
            snapshotReceives.shutdown();
            snapshotReceives.awaitTermination(5, TimeUnit.SECONDS);
            if (receiver != null) {
                receiver.close();
            }
            timer.shutdownNow();
            callbacks.shutdown();
            callbacks.awaitTermination(5, TimeUnit.SECONDS);
            if (ownsWorkers) {
                workers.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
            }
            boss.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            snapshotReceives.shutdownNow();
            callbacks.shutdownNow();
            timer.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Raft message streams are handled on the Netty thread that read them: decoding a batch and
     * queueing it on the group's event loop never blocks, and a detour through the callback pool
     * would cost every message another thread wake-up. Snapshot receptions (file writes, commits
     * with their fsync) run on threads of their own; forward calls keep the callback pool.
     */
    private static final class CallExecutors implements ServerCallExecutorSupplier {
        private final Executor snapshotReceives;

        CallExecutors(Executor snapshotReceives) {
            this.snapshotReceives = snapshotReceives;
        }

        @Override
        public <ReqT, RespT> Executor getExecutor(ServerCall<ReqT, RespT> call, Metadata headers) {
            String method = call.getMethodDescriptor().getFullMethodName();
            if (method.equals(PeerGrpc.getMessagesMethod().getFullMethodName())) {
                return Runnable::run;
            }
            return method.equals(PeerGrpc.getInstallSnapshotMethod().getFullMethodName()) ? snapshotReceives : null;
        }
    }

    private Inbound inboundOrThrow() {
        Inbound in = inbound;
        if (in == null) {
            throw new IllegalStateException("transport of node " + config.nodeId() + " is not started");
        }
        return in;
    }

    private Channel channelOf(long nodeId) {
        Peer peer = peers.get(nodeId);
        return peer == null ? null : peer.channel;
    }

    private ManagedChannel newChannel(String hostPort) {
        return NettyChannelBuilder.forTarget(hostPort, config.security().channelCredentials())
                .eventLoopGroup(workers)
                .channelType(NettyIo.socketChannelType(workers))
                .executor(callbacks)
                .maxInboundMessageSize(config.frameBytesMax())
                .keepAliveTime(30, TimeUnit.SECONDS)
                .keepAliveTimeout(10, TimeUnit.SECONDS)
                .build();
    }
}
