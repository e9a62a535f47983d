package io.ostraka.server;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.ostraka.kv.KvConfig;
import io.ostraka.kv.KvStateMachine;
import io.ostraka.kv.rocks.RocksKvOptions;
import io.ostraka.log.LogEngine;
import io.ostraka.log.LogEngineConfig;
import io.ostraka.node.Clock;
import io.ostraka.node.GroupSpec;
import io.ostraka.node.MemberInfo;
import io.ostraka.node.NodeOptions;
import io.ostraka.node.RaftGroup;
import io.ostraka.node.RaftNode;
import io.ostraka.raft.Role;
import io.ostraka.raft.Status;
import io.ostraka.server.grpc.GrpcServer;
import io.ostraka.server.grpc.RequestLimits;
import io.ostraka.server.metrics.MeteredKvService;
import io.ostraka.server.metrics.ServerMetrics;
import io.ostraka.server.resp.RespServer;
import io.ostraka.server.resp.RespServerConfig;
import io.ostraka.transport.GrpcTransport;
import io.ostraka.transport.NettyIo;
import io.ostraka.transport.TransportConfig;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code ostraka server} process: the log engine, the KV state machine, the peer transport,
 * the Raft runtime with the KV group, and the client endpoints (RESP, HTTP admin). Start with
 * {@link #start}; {@link #close} shuts down gracefully — a leader first hands leadership to
 * the most up-to-date follower, so the cluster does not wait an election timeout.
 */
public final class OstrakaServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OstrakaServer.class);
    static final long KV_GROUP = 1;
    static final String CLUSTER_ID = "ostraka";

    private final ServerConfig config;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private FileChannel lockChannel;
    private LogEngine engine;
    private KvStateMachine stateMachine;
    private EventLoopGroup ioGroup;
    private GrpcTransport transport;
    private RaftNode node;
    private RaftGroup group;
    private RaftKvService kv;
    private KvService front;
    private ServerMetrics metrics;
    private NodeStorage storage;
    private RespServer resp;
    private GrpcServer grpc;
    private Joiner joiner;
    private HttpAdmin http;
    private EventStream events;
    private ScheduledExecutorService scheduler;
    private volatile boolean closed;

    private OstrakaServer(ServerConfig config) {
        this.config = config;
    }

    public static OstrakaServer start(ServerConfig config) throws IOException {
        for (String warning : config.warnings) {
            log.warn("node {}: {}", config.nodeId, warning);
        }
        OstrakaServer server = new OstrakaServer(config);
        try {
            server.boot();
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    @FunctionalInterface
    private interface Binding<T> {
        T bind() throws IOException;
    }

    /**
     * Runs {@code binding}, which listens on {@code address} (the value of {@code setting}); a
     * failure to listen there becomes one line naming the setting, as configuration errors are,
     * instead of a stack trace from whichever library bound the port.
     */
    private static <T> T listening(ServerConfig.Setting setting, HostPorts.HostPort address, Binding<T> binding)
            throws IOException {
        try {
            return binding.bind();
        } catch (IOException | RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                String message = String.valueOf(t.getMessage());
                if (t instanceof java.net.BindException || message.contains("Address already in use")
                        || message.contains("Cannot assign requested address")) {
                    String why = message.contains("Cannot assign requested address")
                            ? "cannot listen there: no such local address" : "address already in use";
                    throw new ServerConfig.ConfigException(setting, address.toString(), why);
                }
            }
            throw e;
        }
    }

    private void boot() throws IOException {
        lockDataDir();
        metrics = new ServerMetrics(Clock.SYSTEM);
        engine = LogEngine.open(LogEngineConfig.defaults(config.dataDir.resolve("raft"))
                .withSegmentBytesMax(config.segmentBytes)
                .withTrailingEntries(config.trailingEntries)
                .withWalObserver(metrics.walObserver()));
        stateMachine = config.memoryStorage ? KvStateMachine.inMemory(KvConfig.DEFAULT)
                : KvStateMachine.onRocksDb(KvConfig.DEFAULT, config.dataDir.resolve("kv"),
                        RocksKvOptions.DEFAULT.withWalMode(config.rocksWal));
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ostraka-server-timers");
            t.setDaemon(true);
            return t;
        });

        // One I/O thread for the peer, RESP and client gRPC connections and the Raft loop: a
        // request, the Raft round trip it causes and its reply wake no thread but the one that
        // reads the socket (on a small virtual machine each wake-up costs tens of microseconds).
        ioGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("ostraka-io-" + config.nodeId, true),
                NettyIo.ioHandlerFactory());
        transport = new GrpcTransport(TransportConfig.builder(config.nodeId, CLUSTER_ID)
                .ioGroup(ioGroup)
                .listenHost(config.peerListen.host())
                .port(config.peerListen.port())
                .forwardDeadline(config.requestTimeout)
                .snapshotFiles(LogSnapshotFiles.open(engine.snapshots(), config.dataDir.resolve("incoming-snapshots")))
                .build());
        // Ten ticks per heartbeat: election timeouts are randomized in steps of a tenth of a
        // heartbeat, which keeps two followers from campaigning at the same moment.
        Duration tick = Duration.ofMillis(Math.max(1, config.heartbeat.toMillis() / 10));
        int heartbeatTicks = (int) Math.max(1, config.heartbeat.toMillis() / tick.toMillis());
        int electionTicks = (int) Math.max(2L * heartbeatTicks + 1, config.election.toMillis() / tick.toMillis());
        // The lease lasts electionTicks - 1 - driftTicks (the core takes one tick for the phase
        // between nodes' ticks), so it stays at least one tick long.
        int driftTicks = (int) Math.max(1, Math.min(electionTicks - 2, Math.ceil((double) config.leaseDrift.toMillis() / tick.toMillis())));
        NodeOptions options = NodeOptions.defaults(config.nodeId)
                .withTiming(tick, electionTicks, heartbeatTicks)
                .withLeaseReads(config.leaseReads, driftTicks)
                .withSnapshots(config.snapshotEntries, config.trailingEntries)
                .withSnapshotPolicy(config.snapshotBytes, config.snapshotInterval)
                .withRequestTimeout(config.requestTimeout)
                // One group, so one loop; it runs on the transport's one I/O thread, which reads and
                // writes every peer connection: a Raft round trip wakes no other thread.
                .withEventLoops(1);
        node = listening(ServerConfig.Setting.PEER_LISTEN, config.peerListen, () -> RaftNode.start(options, transport, Clock.SYSTEM));
        events = new EventStream(EventStream.Options.DEFAULT);
        node.addListener(events);
        node.setMetrics(metrics.raftMetrics());
        node.addListener(metrics.raftListener());

        List<MemberInfo> initial = new ArrayList<>();
        for (ServerConfig.Member m : config.initialMembers) {
            initial.add(MemberInfo.ofPeer(m.id(), m.peer().toString()));
        }
        group = node.openGroup(new GroupSpec(KV_GROUP, stateMachine, io.ostraka.node.RaftStorage.durable(engine.group(KV_GROUP)),
                engine.snapshots(), initial, new SecureRandom().nextLong()));

        MemberInfo self = new MemberInfo(config.nodeId, Map.of(
                "peer", HostPorts.format(config.advertiseHost, transport.port()),
                "resp", HostPorts.format(config.advertiseHost, config.respListen.port()),
                "grpc", HostPorts.format(config.advertiseHost, config.grpcListen.port()),
                "http", HostPorts.format(config.advertiseHost, config.httpListen.port())));
        kv = new RaftKvService(config.nodeId, group, transport, scheduler, Clock.SYSTEM, config.requestTimeout, config.heartbeat, self);
        kv.learnAddressesEvery(Duration.ofSeconds(1));
        transport.setForwardHandler(kv);
        storage = new NodeStorage(engine, config.memoryStorage ? null : config.dataDir.resolve("kv"));
        metrics.watchGroup(group);
        metrics.watchStorage(storage);
        metrics.watchTransport(transport.metrics());
        front = new ValueLimitedKvService(new MeteredKvService(kv, metrics, Clock.SYSTEM), config.maxValueBytes);

        resp = new RespServer(front, RespServerConfig.defaults()
                .withHost(config.respListen.host()).withPort(config.respListen.port()), ioGroup);
        listening(ServerConfig.Setting.RESP_LISTEN, config.respListen, () -> {
            try {
                resp.start();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while binding the RESP port", e);
            }
            return resp;
        });
        grpc = listening(ServerConfig.Setting.GRPC_LISTEN, config.grpcListen, () -> GrpcServer.start(front, GrpcServer.Options.DEFAULT.withHost(config.grpcListen.host())
                .withLimits(RequestLimits.DEFAULT.withValueBytesMax(config.maxValueBytes)
                        .withReadConsistencyDefault(config.readConsistency))
                .withPort(config.grpcListen.port()).withLeaderClientAddress(id -> kv.address(id, "grpc")), ioGroup,
                new io.ostraka.server.grpc.AdminGrpcService(group, config.nodeId, (id, role) -> kv.address(id, role))));
        if (config.join != null) {
            joiner = new Joiner(config.join, config.nodeId, self.peerAddress(), self.addresses().get("grpc"), group,
                    transport::setPeerAddress, config.dataDir);
            Thread t = new Thread(joiner, "ostraka-join");
            t.setDaemon(true);
            t.start();
        }
        http = listening(ServerConfig.Setting.HTTP_LISTEN, config.httpListen,
                () -> new HttpAdmin(config.httpListen.host(), config.httpListen.port(), group, () -> status().toJson()));
        http.route("/events", events);
        http.route("/metrics", metrics::handle);
        http.start();
        log.info("node {} started: resp {} peer {} http {} data {} io {}", config.nodeId, resp.port(), transport.port(),
                http.port(), config.dataDir, NettyIo.nativeEpoll() ? "epoll" : "nio");
    }

    private void lockDataDir() throws IOException {
        java.nio.file.Files.createDirectories(config.dataDir);
        lockChannel = FileChannel.open(config.dataDir.resolve("LOCK"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            lockChannel.close();
            lockChannel = null;
            throw new ServerConfig.ConfigException(ServerConfig.Setting.DATA_DIR, config.dataDir.toString(),
                    "is used by another running node (its LOCK file is held)");
        }
    }

    public RaftGroup group() {
        return group;
    }

    /** The KV store as the front ends see it (requests through it are counted in the metrics). */
    public KvService kv() {
        return front;
    }

    public ServerMetrics metrics() {
        return metrics;
    }

    /** This node's status now, sizes on disk included (what {@code /status} shows). */
    public NodeStatus status() {
        return NodeStatus.capture(config.nodeId, group, kv::address, storage);
    }

    public int respPort() {
        return resp.port();
    }

    public int peerPort() {
        return transport.port();
    }

    public int grpcPort() {
        return grpc.port();
    }

    public int httpPort() {
        return http.port();
    }

    public ServerConfig config() {
        return config;
    }

    /**
     * Graceful shutdown: stop taking client requests, hand leadership over if we lead (see
     * {@link #transferLeadershipBeforeExit}), then stop the runtime and storage.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        long startedNanos = System.nanoTime();
        log.info("node {} stopping", config.nodeId);
        if (joiner != null) {
            joiner.stop();
        }
        closeQuietly(resp);
        closeQuietly(grpc);
        if (group != null && group.isLeader()) {
            transferLeadershipBeforeExit();
        }
        closeQuietly(events);
        closeQuietly(http);
        closeQuietly(node);
        if (ioGroup != null) {
            ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        closeQuietly(engine);
        closeQuietly(stateMachine);
        if (lockChannel != null) {
            closeQuietly(lockChannel);
        }
        log.info("node {} stopped in {} ms", config.nodeId, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos));
    }

    /**
     * Hands leadership to the voter best placed to take over ({@link Status#handOverCandidate}).
     * Waits one and a half election timeouts at most: the core abandons a
     * transfer after one (thesis §3.10), and the half lets a target that had already started its
     * election finish winning it.
     */
    private void transferLeadershipBeforeExit() {
        long best = group.status().handOverCandidate();
        if (best == 0) {
            return; // the only voter: no one to hand over to
        }
        long waitMillis = config.election.toMillis() * 3 / 2;
        try {
            group.transferLeadership(best).get(waitMillis, TimeUnit.MILLISECONDS);
            log.info("node {}: handed leadership to node {} before shutting down", config.nodeId, best);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            log.warn("node {}: did not hand leadership over before shutting down: {}", config.nodeId, e.getCause().getMessage());
        } catch (TimeoutException e) {
            log.warn("node {}: did not hand leadership over before shutting down: node {} was not leading after {} ms",
                    config.nodeId, best, waitMillis);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            log.warn("error while closing {}", c, e);
        }
    }

    boolean isLeader() {
        return group != null && group.status() != null && group.status().role() == Role.LEADER;
    }
}
