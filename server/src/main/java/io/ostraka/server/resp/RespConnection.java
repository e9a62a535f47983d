package io.ostraka.server.resp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * One client connection: runs its commands in order and answers them in order.
 *
 * <p>Decoded requests wait in {@link #pending}, the connection's ordered queue; the head runs,
 * and the next starts only once the head's reply is written. Redis clients rely on a pipeline
 * behaving like the same commands sent one by one (a GET sees the SET before it), the KV session
 * allows one write in flight (docs/kv.md, "Exactly-once sessions"), and the read minimum index
 * must include the index of every earlier reply — so one command in flight per connection is
 * what makes pipelining both correct and exactly-once. Concurrency comes from connections;
 * within a pipeline the win is one TCP round trip and one flush per batch of replies.
 *
 * <p>Nothing here blocks the event loop: a command that needs the store returns a future, and
 * its reply is written by a callback scheduled on this channel's event loop, which then starts
 * the next command. All fields are touched only on that loop.
 *
 * <p>Backpressure: when {@code pendingCommandsMax} requests or {@code requestBytesMax} bytes are
 * queued, the connection stops reading from the socket until half of them are answered; when
 * the client does not read its replies (the channel is not writable past the high water mark),
 * no further command starts. A connection that fails (a reset) has its queue dropped, and the
 * reply of a command in flight is discarded when its future completes. A client that shuts down
 * its write side has every queued command run and answered, and then the connection closes; a
 * client that closed altogether looks the same until a reply bounces, so, as in Redis, what it
 * sent before going may still run.
 */
final class RespConnection extends ChannelInboundHandlerAdapter {
    private final RespCommands commands;
    private final RespServerConfig config;
    private final long clientId;
    private final ArrayDeque<Object> pending = new ArrayDeque<>();
    private ClientState client;
    private long pendingBytes;
    private boolean running;
    private boolean closing;
    private boolean unflushed;
    /** The client shut down its write side: close once everything it sent is answered. */
    private boolean inputShutdown;

    RespConnection(RespCommands commands, RespServerConfig config, long clientId) {
        this.commands = commands;
        this.config = config;
        this.clientId = clientId;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        client = new ClientState(clientId, ctx.channel().remoteAddress(), ctx.channel().localAddress());
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing) {
            return;
        }
        pending.add(msg);
        pendingBytes += msg instanceof RespRequest request ? request.argBytes() : 0;
        if (pending.size() >= config.pendingCommandsMax() || pendingBytes >= config.requestBytesMax()) {
            ctx.channel().config().setAutoRead(false);
        }
        runNext(ctx);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        flushIfNeeded(ctx);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isWritable()) {
            runNext(ctx);
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof ChannelInputShutdownEvent) {
            inputShutdown = true;
            closeIfDone(ctx);
        }
        super.userEventTriggered(ctx, evt);
    }

    /** After a half-close: once the queue is empty and nothing runs, flush the replies and close. */
    private void closeIfDone(ChannelHandlerContext ctx) {
        if (inputShutdown && !closing && !running && pending.isEmpty()) {
            closing = true;
            unflushed = false;
            ctx.writeAndFlush(ctx.alloc().buffer(0)).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        closing = true;
        pending.clear();
        pendingBytes = 0;
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // I/O errors (connection reset) end the connection; nothing to answer.
        closing = true;
        pending.clear();
        ctx.close();
    }

    /** Starts queued commands until one has to wait for the store, the queue empties or output is full. */
    private void runNext(ChannelHandlerContext ctx) {
        while (!running && !closing && !pending.isEmpty() && ctx.channel().isWritable()) {
            Object msg = pending.poll();
            if (msg instanceof RespProtocolError error) {
                closing = true;
                pending.clear();
                write(ctx, RespReply.error("ERR Protocol error: " + error.message()));
                ctx.writeAndFlush(ctx.alloc().buffer(0)).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            RespRequest request = (RespRequest) msg;
            pendingBytes -= request.argBytes();
            if (request.name().equals("quit")) {
                closing = true;
                pending.clear();
                write(ctx, RespReply.OK);
                ctx.writeAndFlush(ctx.alloc().buffer(0)).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            CompletableFuture<RespReply> reply = commands.execute(client, request, ctx.executor());
            if (reply.isDone()) {
                write(ctx, reply.join());
            } else {
                running = true;
                flushIfNeeded(ctx); // the replies before this one need not wait for it
                reply.whenCompleteAsync((r, failure) -> finish(ctx, r, failure), ctx.executor());
            }
        }
        maybeResumeReading(ctx);
        if (!running) {
            flushIfNeeded(ctx);
            closeIfDone(ctx);
        }
    }

    private void finish(ChannelHandlerContext ctx, RespReply reply, Throwable failure) {
        running = false;
        if (closing || !ctx.channel().isActive()) {
            return; // the client went away mid-pipeline
        }
        write(ctx, failure == null ? reply : RespErrors.of(failure));
        runNext(ctx);
        flushIfNeeded(ctx);
    }

    private void write(ChannelHandlerContext ctx, RespReply reply) {
        ByteBuf out = ctx.alloc().buffer(Math.min(reply.sizeHint(), 64 * 1024));
        reply.writeTo(out);
        ctx.write(out, ctx.voidPromise());
        unflushed = true;
    }

    private void flushIfNeeded(ChannelHandlerContext ctx) {
        if (unflushed) {
            unflushed = false;
            ctx.flush();
        }
    }

    private void maybeResumeReading(ChannelHandlerContext ctx) {
        if (!closing && !ctx.channel().config().isAutoRead() && pending.size() <= config.pendingCommandsMax() / 2
                && pendingBytes <= config.requestBytesMax() / 2) {
            ctx.channel().config().setAutoRead(true);
        }
    }
}
