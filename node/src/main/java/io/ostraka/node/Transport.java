package io.ostraka.node;

import io.ostraka.raft.Message;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Moves Raft messages between the processes of a cluster. The runtime calls it from its event
 * loops, so no method may block: sends are queued, bounded, and a message that cannot be queued
 * or delivered is reported through {@link Inbound#reportUnreachable} instead of growing a queue.
 *
 * <p>A {@code SNAPSHOT} message names a snapshot of the sender's snapshot store
 * (group, term, index); {@link #sendSnapshot} streams that snapshot's files to the peer, which
 * stores them in its own snapshot store before the message is delivered to its node.
 */
public interface Transport extends AutoCloseable {
    /** Starts serving peer traffic and delivering it to {@code inbound}. */
    void start(Inbound inbound) throws IOException;

    /** Queues messages for their destination nodes ({@link Message#to()}); never blocks. */
    void send(List<Message> messages);

    /** Streams the snapshot named by {@code snapshotMessage} and then delivers the message. */
    void sendSnapshot(Message snapshotMessage);

    /** Sets or changes where node {@code nodeId}'s peer endpoint is (host:port). */
    void setPeerAddress(long nodeId, String hostPort);

    /**
     * Sends an opaque request to node {@code nodeId}'s {@link ForwardHandler} (followers forward
     * client writes to the leader this way) with a deadline; fails with {@link OstrakaException}.
     */
    CompletableFuture<byte[]> forward(long nodeId, byte[] request);

    /** Installs the handler for requests other nodes forward here. */
    void setForwardHandler(ForwardHandler handler);

    /**
     * The threads this transport does its network I/O on, offered to host the node's event
     * loops (loop {@code i} runs on host {@code i mod size}); empty, the default, when the
     * transport has none to offer and each loop gets a thread of its own. A hosted loop must
     * never block waiting for this transport.
     */
    default List<LoopHost> loopHosts() {
        return List.of();
    }

    @Override
    void close();

    /** Serves requests forwarded by other nodes. */
    interface ForwardHandler {
        CompletableFuture<byte[]> handle(byte[] request);
    }
}
