package io.ostraka.server.grpc;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.ostraka.api.ClientApi;
import io.ostraka.server.KvService;
import io.ostraka.transport.NettyIo;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;

/**
 * The client gRPC endpoint of one server: binds {@link Options#host()}:{@link Options#port()}
 * (default 5379; 0 = an ephemeral port, see {@link #port()}), serves {@link KvGrpcService} (and
 * any further services given, such as Admin), and on {@link #close()} stops accepting calls, lets
 * running ones finish within the grace period, then cancels the rest.
 *
 * <p>Where calls run: by default on gRPC's own Netty threads, with handlers on a small named
 * executor. Given an I/O group ({@link #start(KvService, Options, EventLoopGroup,
 * BindableService...)}), connections live on that group's threads and handlers run right there
 * (a direct executor): {@code ostraka server} lends the single thread that also runs the peer
 * connections and the Raft loop, so a call, the Raft round trip it causes and its response
 * wake no other thread. Handlers never block (the KvService is asynchronous); they only check
 * and map messages.
 *
 * <pre>{@code
 * try (GrpcServer server = GrpcServer.start(kvService, GrpcServer.Options.DEFAULT.withPort(0))) {
 *     int port = server.port();
 * }
 * }</pre>
 */
public final class GrpcServer implements AutoCloseable {
    private static final AtomicInteger SERVERS = new AtomicInteger();

    private final Server server;
    private final ExecutorService executor; // null when handlers run on a lent I/O group
    private final Duration shutdownGrace;

    /**
     * @param host the address to bind ("0.0.0.0" for every interface)
     * @param port the port; 0 for an ephemeral one
     * @param executorThreads threads running call handlers (they never block: the KvService is async)
     * @param inboundMessageBytesMax the largest request accepted (larger ones get RESOURCE_EXHAUSTED)
     * @param limits request validation limits
     * @param shutdownGrace how long {@link #close()} waits for running calls
     * @param leaderClientAddress maps a leader's node id to its client gRPC address for NOT_LEADER
     *     hints (see {@link KvGrpcService}); null: pass the KvService's address through
     */
    public record Options(String host, int port, int executorThreads, int inboundMessageBytesMax,
                          RequestLimits limits, Duration shutdownGrace, LongFunction<String> leaderClientAddress) {
        public static final Options DEFAULT = new Options("0.0.0.0", ClientApi.DEFAULT_PORT, 2, 16 * 1024 * 1024,
                RequestLimits.DEFAULT, Duration.ofSeconds(5), null);

        public Options {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(limits, "limits");
            Objects.requireNonNull(shutdownGrace, "shutdownGrace");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port " + port + " is outside [0, 65535]");
            }
            if (executorThreads < 1) {
                throw new IllegalArgumentException("executorThreads " + executorThreads + " < 1");
            }
            if (inboundMessageBytesMax < 1024) {
                throw new IllegalArgumentException("inboundMessageBytesMax " + inboundMessageBytesMax + " < 1024");
            }
        }

        public Options withHost(String newHost) {
            return new Options(newHost, port, executorThreads, inboundMessageBytesMax, limits, shutdownGrace,
                    leaderClientAddress);
        }

        public Options withPort(int newPort) {
            return new Options(host, newPort, executorThreads, inboundMessageBytesMax, limits, shutdownGrace,
                    leaderClientAddress);
        }

        public Options withLimits(RequestLimits newLimits) {
            return new Options(host, port, executorThreads, inboundMessageBytesMax, newLimits, shutdownGrace,
                    leaderClientAddress);
        }

        public Options withShutdownGrace(Duration grace) {
            return new Options(host, port, executorThreads, inboundMessageBytesMax, limits, grace,
                    leaderClientAddress);
        }

        public Options withLeaderClientAddress(LongFunction<String> resolver) {
            return new Options(host, port, executorThreads, inboundMessageBytesMax, limits, shutdownGrace, resolver);
        }
    }

    private GrpcServer(Server server, ExecutorService executor, Duration shutdownGrace) {
        this.server = server;
        this.executor = executor;
        this.shutdownGrace = shutdownGrace;
    }

    /**
     * Binds and starts serving {@code service} plus {@code extraServices}.
     *
     * @throws IOException if the address cannot be bound (the message names it)
     */
    public static GrpcServer start(KvService service, Options options, BindableService... extraServices)
            throws IOException {
        return start(service, options, null, extraServices);
    }

    /**
     * Binds and starts serving {@code service} plus {@code extraServices}, with every connection
     * on {@code ioGroup} (an NIO group, which this server does not shut down) and every handler
     * run on the connection's thread; null: gRPC's own threads and a handler executor of
     * {@link Options#executorThreads()}. The lent group accepts connections too.
     *
     * @throws IOException if the address cannot be bound (the message names it)
     */
    public static GrpcServer start(KvService service, Options options, EventLoopGroup ioGroup,
                                   BindableService... extraServices) throws IOException {
        int serverNumber = SERVERS.incrementAndGet();
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(options.host(), options.port()))
                .maxInboundMessageSize(options.inboundMessageBytesMax())
                .addService(new KvGrpcService(service, options.limits(), options.leaderClientAddress()));
        for (BindableService extra : extraServices) {
            builder.addService(extra);
        }
        ExecutorService executor = null;
        if (ioGroup == null) {
            executor = newExecutor(serverNumber, options.executorThreads());
            builder.executor(executor);
        } else {
            builder.bossEventLoopGroup(ioGroup).workerEventLoopGroup(ioGroup)
                    .channelType(NettyIo.serverChannelType(ioGroup)).directExecutor();
        }
        Server server = builder.build();
        try {
            server.start();
        } catch (IOException e) {
            if (executor != null) {
                executor.shutdownNow();
            }
            throw new IOException("cannot bind the client gRPC port " + options.host() + ":" + options.port()
                    + ": " + e.getMessage(), e);
        }
        return new GrpcServer(server, executor, options.shutdownGrace());
    }

    public static GrpcServer start(KvService service) throws IOException {
        return start(service, Options.DEFAULT);
    }

    /** The bound port (the ephemeral one chosen when the options asked for 0). */
    public int port() {
        return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
    }

    public boolean isTerminated() {
        return server.isTerminated();
    }

    /** Stops: no new calls, running calls get {@code shutdownGrace} to finish, then are cancelled. */
    @Override
    public void close() {
        server.shutdown();
        try {
            if (!server.awaitTermination(shutdownGrace.toMillis(), TimeUnit.MILLISECONDS)) {
                server.shutdownNow();
                server.awaitTermination(shutdownGrace.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            if (executor != null) {
                executor.shutdown();
            }
        }
    }

    private static ExecutorService newExecutor(int serverNumber, int threads) {
        AtomicInteger threadNumber = new AtomicInteger();
        ThreadFactory factory = runnable -> {
            Thread thread = new Thread(runnable, "ostraka-grpc-" + serverNumber + "-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        return new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), factory);
    }
}
