package io.ostraka.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.junit.jupiter.api.Test;

/** Channel types follow the group they register with, whatever the process's own choice. */
class NettyIoTest {
    @Test
    void anNioGroupGetsNioChannels() throws Exception {
        EventLoopGroup nio = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            assertThat(NettyIo.isEpoll(nio)).isFalse();
            assertThat(NettyIo.serverChannelType(nio)).isEqualTo(NioServerSocketChannel.class);
            assertThat(NettyIo.socketChannelType(nio)).isEqualTo(NioSocketChannel.class);
        } finally {
            nio.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void anEpollGroupGetsEpollChannels() throws Exception {
        assumeThat(Epoll.isAvailable()).as("native epoll on this platform").isTrue();
        EventLoopGroup epoll = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            assertThat(NettyIo.isEpoll(epoll)).isTrue();
            assertThat(NettyIo.serverChannelType(epoll)).isEqualTo(EpollServerSocketChannel.class);
            assertThat(NettyIo.socketChannelType(epoll)).isEqualTo(EpollSocketChannel.class);
        } finally {
            epoll.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).sync();
        }
    }
}
