package io.ostraka.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Channel types follow the group they register with, whatever the process's own choice. */
class NettyIoTest {
    @Test
    void anNioGroupGetsNioChannels() throws Exception {
        assertChannelsFor(NioIoHandler.newFactory(), false, NioServerSocketChannel.class, NioSocketChannel.class);
    }

    @Test
    void anEpollGroupGetsEpollChannels() throws Exception {
        assumeThat(Epoll.isAvailable()).as("native epoll on this platform").isTrue();
        assertChannelsFor(EpollIoHandler.newFactory(), true, EpollServerSocketChannel.class, EpollSocketChannel.class);
    }

    private static void assertChannelsFor(IoHandlerFactory handlers, boolean epoll,
            Class<? extends ServerChannel> serverType, Class<? extends SocketChannel> socketType) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, handlers);
        try {
            assertThat(NettyIo.isEpoll(group)).isEqualTo(epoll);
            assertThat(NettyIo.serverChannelType(group)).isEqualTo(serverType);
            assertThat(NettyIo.socketChannelType(group)).isEqualTo(socketType);
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        }
    }
}
