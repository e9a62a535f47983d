package io.ostraka.server.resp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.ostraka.server.KvService;
import io.ostraka.transport.NettyIo;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The RESP2 (Redis protocol) front end of a server: any Redis client or tool can talk to the KV
 * store through it. See docs/resp.md for the commands, errors, limits and semantics.
 *
 * <pre>
 *   RespServer resp = new RespServer(kvService, RespServerConfig.defaults().withPort(0));
 *   resp.start();                 // binds; throws if the port is taken
 *   int port = resp.port();       // the bound port (useful with port 0)
 *   ...
 *   resp.close();                 // closes the listener and every connection, stops the threads
 * </pre>
 *
 * <p>Threads: {@code eventLoopThreads} Netty event loop threads named {@code ostraka-resp-N}
 * accept connections and serve them (a connection stays on one thread). They never block: replies
 * to commands that wait for the store are written by callbacks on the connection's thread.
 *
 * <p>Sessions: a connection's first write opens an exactly-once session through the service (an
 * OPEN_SESSION command, whose log index is the session id), and its writes carry it from then on.
 */
public final class RespServer implements AutoCloseable {
    private final KvService service;
    private final RespServerConfig config;
    private final AtomicLong clientIds = new AtomicLong();
    private final ChannelGroup connections = new DefaultChannelGroup("ostraka-resp-clients",
            GlobalEventExecutor.INSTANCE);
    private final EventLoopGroup lentGroup;
    private EventLoopGroup group;
    private final List<Thread> ownThreads = new CopyOnWriteArrayList<>(); // of a group we made
    private Channel listener;
    private int boundPort = -1;

    public RespServer(KvService service, RespServerConfig config) {
        this(service, config, null);
    }

    /**
     * A server whose connections live on {@code ioGroup}'s threads (null: on
     * {@link RespServerConfig#eventLoopThreads()} threads of its own). The server shares the
     * group it is lent with the Raft loop, so a request reaches the loop and its reply reaches
     * the socket without waking another thread; the lender shuts the group down, after
     * {@link #close()}.
     */
    public RespServer(KvService service, RespServerConfig config, EventLoopGroup ioGroup) {
        this.service = Objects.requireNonNull(service, "service");
        this.config = Objects.requireNonNull(config, "config");
        this.lentGroup = ioGroup;
    }

    /** Binds the port and starts serving. */
    public synchronized void start() throws InterruptedException {
        if (group != null) {
            throw new IllegalStateException("RESP server already started");
        }
        RespCommands commands = new RespCommands(service, config, connections::size, this::port);
        // One group accepts and serves: the lent one, or one of our own (whose threads close joins).
        group = lentGroup != null ? lentGroup : new MultiThreadIoEventLoopGroup(config.eventLoopThreads(),
                new DefaultThreadFactory("ostraka-resp", true) {
                    @Override
                    public Thread newThread(Runnable r) {
                        Thread t = super.newThread(r);
                        ownThreads.add(t);
                        return t;
                    }
                }, NettyIo.ioHandlerFactory());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NettyIo.serverChannelType(group))
                .option(ChannelOption.SO_BACKLOG, 512)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // A client that sends its commands and then shuts down its write side (`nc -N`,
                // a script's shutdown(SHUT_WR)) still reads: as Redis does, run them all and
                // answer, then close (RespConnection#userEventTriggered).
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(config.writeBufferHighBytes() / 2, config.writeBufferHighBytes()))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        connections.add(channel);
                        channel.pipeline()
                                .addLast("resp-decoder", new RespDecoder(config))
                                .addLast("resp-connection", new RespConnection(commands, config,
                                        clientIds.incrementAndGet()));
                    }
                });
        try {
            listener = bootstrap.bind(new InetSocketAddress(config.host(), config.port())).sync().channel();
        } catch (RuntimeException | InterruptedException e) {
            if (group != lentGroup) {
                group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            }
            group = null;
            throw e;
        }
        boundPort = ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** The port the server listens on, once started; -1 before. */
    public int port() {
        return boundPort;
    }

    /** Connections currently open. */
    public int connectionCount() {
        return connections.size();
    }

    /** Stops accepting, closes every connection and stops the event loop threads; waits for them. */
    @Override
    public synchronized void close() throws InterruptedException {
        if (group == null) {
            return;
        }
        if (listener != null) {
            listener.close().await();
        }
        connections.close().await();
        if (group != lentGroup) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).await();
            // The group reports termination from its threads just before they exit.
            for (Thread t : ownThreads) {
                t.join(TimeUnit.SECONDS.toMillis(2));
            }
            ownThreads.clear();
        }
        group = null;
        listener = null;
    }
}
