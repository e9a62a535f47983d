package io.ostraka.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * Which Netty transport the process's event loops and channels use: the native epoll one on
 * Linux (edge-triggered, no selected-key bookkeeping, fewer copies than NIO's), NIO elsewhere or
 * when {@code -Dostraka.netty.nio=true} asks for it. A channel registers only with its own kind
 * of loop, so channels for a group someone lends us follow that group ({@link #isEpoll}).
 */
public final class NettyIo {
    private static final boolean EPOLL = !Boolean.getBoolean("ostraka.netty.nio") && Epoll.isAvailable();

    private NettyIo() {}

    /** Whether the native epoll transport is what this process uses for the groups it makes. */
    public static boolean nativeEpoll() {
        return EPOLL;
    }

    /** For a group of our own. */
    public static IoHandlerFactory ioHandlerFactory() {
        return factory(EPOLL);
    }

    /** For a group of our own that must serve channels together with {@code group}. */
    public static IoHandlerFactory ioHandlerFactoryLike(EventLoopGroup group) {
        return factory(isEpoll(group));
    }

    /** The server channel type for {@code group}'s kind of loop. */
    public static Class<? extends ServerChannel> serverChannelType(EventLoopGroup group) {
        return isEpoll(group) ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** The client channel type for {@code group}'s kind of loop. */
    public static Class<? extends SocketChannel> socketChannelType(EventLoopGroup group) {
        return isEpoll(group) ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /** Whether {@code group} runs native epoll loops; for a group of unknown kind, the process's choice. */
    static boolean isEpoll(EventLoopGroup group) {
        if (group instanceof IoEventLoopGroup io) {
            if (io.isIoType(EpollIoHandler.class)) {
                return true;
            }
            if (io.isIoType(NioIoHandler.class)) {
                return false;
            }
        }
        return EPOLL;
    }

    private static IoHandlerFactory factory(boolean epoll) {
        return epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }
}
