package io.ostraka.transport;

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
 * when {@code -Dostraka.netty.nio=true} asks for it. Every group that serves our channels must be
 * made with {@link #ioHandlerFactory()}, since a channel only registers with its own kind of loop.
 */
public final class NettyIo {
    private static final boolean EPOLL = !Boolean.getBoolean("ostraka.netty.nio") && Epoll.isAvailable();

    private NettyIo() {}

    /** Whether the native epoll transport is in use. */
    public static boolean nativeEpoll() {
        return EPOLL;
    }

    public static IoHandlerFactory ioHandlerFactory() {
        return EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    public static Class<? extends ServerChannel> serverChannelType() {
        return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public static Class<? extends SocketChannel> socketChannelType() {
        return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }
}
