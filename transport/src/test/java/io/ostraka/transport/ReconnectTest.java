package io.ostraka.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.ostraka.raft.Entry;
import io.ostraka.raft.Message;
import io.ostraka.raft.MessageType;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves the outage behaviour: when a peer dies, messages to it are reported unreachable instead
 * of being buffered; when it comes back on the same port the sender reconnects (with backoff) and
 * traffic resumes; a full send queue reports the overflow at once; queued messages lost with a
 * broken connection are reported too.
 */
class ReconnectTest {
    @TempDir
    Path root;

    @Test
    void peerRestartedOnTheSamePortGetsTrafficAgain() throws Exception {
        try (Nodes nodes = Nodes.started(root, 2)) {
            GrpcTransport sender = nodes.transport(1);
            RecordingInbound senderInbound = nodes.inbound(1);
            AtomicLong seq = new AtomicLong();
            sender.send(List.of(Msgs.append(1, 1, 2, seq.getAndIncrement())));
            Await.until("first message", () -> nodes.inbound(2).received().size() == 1);

            int port = nodes.transport(2).port();
            nodes.transport(2).close();
            Await.until("messages during the outage reported unreachable", () -> {
                sender.send(List.of(Msgs.append(1, 1, 2, seq.getAndIncrement())));
                return !senderInbound.unreachable().isEmpty();
            });
            assertThat(senderInbound.unreachable()).allMatch(r -> r.groupId() == 1 && r.peerId() == 2);
            assertThat(sender.metrics().messagesDropped()).isPositive();

            RecordingInbound restartedInbound = new RecordingInbound();
            try (GrpcTransport restarted = new GrpcTransport(Nodes.config(2, root).port(port).build())) {
                restarted.start(restartedInbound);
                Await.until("traffic to the restarted peer", () -> {
                    sender.send(List.of(Msgs.append(1, 1, 2, seq.getAndIncrement())));
                    return !restartedInbound.received().isEmpty();
                });
                assertThat(sender.metrics().reconnects()).isGreaterThanOrEqualTo(1);
                // Once reconnected, nothing more is dropped: a burst arrives complete and in order.
                int before = restartedInbound.received().size();
                long dropsBefore = sender.metrics().messagesDropped();
                List<Message> burst = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    burst.add(Msgs.append(1, 1, 2, seq.getAndIncrement()));
                }
                sender.send(burst);
                Await.until("the burst", () -> restartedInbound.received().size() >= before + burst.size());
                List<Message> got = restartedInbound.received();
                assertThat(got.subList(got.size() - burst.size(), got.size())).containsExactlyElementsOf(burst);
                assertThat(sender.metrics().messagesDropped()).isEqualTo(dropsBefore);
            }
        }
    }

    @Test
    void aPeerWhoseProcessIsGoneIsReportedDownWithoutAnyTrafficToIt() throws Exception {
        try (Nodes nodes = Nodes.started(root, 2)) {
            nodes.transport(1).send(List.of(Msgs.append(1, 1, 2, 0)));
            Await.until("first message", () -> nodes.inbound(2).received().size() == 1);
            assertThat(nodes.inbound(1).peersDown()).isEmpty();
            nodes.transport(2).close();
            // Nothing more is sent: the broken stream reconnects on its own and finds the port closed.
            Await.until("node 2 reported down", () -> nodes.inbound(1).peersDown().contains(2L));
            assertThat(nodes.inbound(1).peersDown()).containsOnly(2L);
        }
    }

    @Test
    void aSendReconnectsAtOnceInsteadOfWaitingOutALongBackoff() throws Exception {
        Nodes nodes = new Nodes(root);
        try (nodes) {
            // Reconnects scheduled minutes apart: only a demand reconnect can reach the restarted peer in time.
            GrpcTransport sender = nodes.start(1, b -> b.backoffBase(java.time.Duration.ofMinutes(10))
                    .backoffMax(java.time.Duration.ofHours(1)));
            GrpcTransport peer = nodes.start(2, b -> b);
            int port = peer.port();
            nodes.connectAll();
            AtomicLong seq = new AtomicLong();
            sender.send(List.of(Msgs.append(1, 1, 2, seq.getAndIncrement())));
            Await.until("first message", () -> nodes.inbound(2).received().size() == 1);
            peer.close();
            Await.until("sends during the outage reported unreachable", () -> {
                sender.send(List.of(Msgs.append(1, 1, 2, seq.getAndIncrement())));
                return nodes.inbound(1).unreachable().size() >= 5;
            });
            RecordingInbound restartedInbound = new RecordingInbound();
            try (GrpcTransport restarted = new GrpcTransport(Nodes.config(2, root).port(port).build())) {
                restarted.start(restartedInbound);
                Await.until("a message reaches the restarted peer", () -> {
                    sender.send(List.of(Msgs.append(1, 1, 2, seq.getAndIncrement())));
                    return !restartedInbound.received().isEmpty();
                });
            }
        }
    }

    @Test
    void fullQueueReportsOverflowAtOnceAndLostQueueOnBreak() throws Exception {
        // A listener that never speaks HTTP/2: the stream stays in its handshake, so messages queue.
        ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Nodes nodes = new Nodes(root);
        try (nodes) {
            GrpcTransport sender = nodes.start(1, b -> b.sendQueueMessagesMax(3));
            sender.setPeerAddress(2, "127.0.0.1:" + silent.getLocalPort());
            List<Message> messages = new ArrayList<>();
            for (long group = 1; group <= 10; group++) {
                messages.add(Msgs.append(group, 1, 2, 0));
            }
            sender.send(messages);
            // Reported synchronously, inside send: the queue holds 3.
            assertThat(nodes.inbound(1).unreachable()).extracting(RecordingInbound.Report::groupId)
                    .containsExactly(4L, 5L, 6L, 7L, 8L, 9L, 10L);

            silent.close(); // the half-open connection breaks: the 3 queued messages are lost
            Await.until("queued messages reported", () -> nodes.inbound(1).unreachable().size() == 10);
            assertThat(nodes.inbound(1).unreachable()).extracting(RecordingInbound.Report::groupId)
                    .containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
            assertThat(sender.metrics().messagesDropped()).isEqualTo(10);
        } finally {
            silent.close();
        }
    }

    @Test
    void changedAddressMovesTheStreamToTheNewProcess() throws Exception {
        try (Nodes nodes = Nodes.started(root, 2)) {
            GrpcTransport sender = nodes.transport(1);
            sender.send(List.of(Msgs.append(1, 1, 2, 0)));
            Await.until("first message at the old address", () -> nodes.inbound(2).received().size() == 1);

            // Node 2 "moves": a new process for node 2 on another port; the old one keeps running.
            RecordingInbound movedInbound = new RecordingInbound();
            try (GrpcTransport moved = new GrpcTransport(Nodes.config(2, root.resolve("moved")).build())) {
                moved.start(movedInbound);
                sender.setPeerAddress(2, "127.0.0.1:" + moved.port());
                assertThat(sender.peerAddress(2)).isEqualTo("127.0.0.1:" + moved.port());
                sender.send(List.of(Msgs.append(1, 1, 2, 1)));
                Await.until("message at the new address", () -> movedInbound.received().size() == 1);
                assertThat(movedInbound.received().get(0).index()).isEqualTo(1);
                assertThat(nodes.inbound(2).received()).hasSize(1);
            }
        }
    }

    @Test
    void unansweredHandshakeCountsAsAFailure() throws Exception {
        ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Nodes nodes = new Nodes(root);
        try (nodes; silent) {
            GrpcTransport sender = nodes.start(1, b -> b.handshakeTimeout(java.time.Duration.ofMillis(100)));
            sender.setPeerAddress(2, "127.0.0.1:" + silent.getLocalPort());
            sender.send(List.of(Msgs.append(1, 1, 2, 0)));
            // The silent listener keeps the TCP connection open: only the handshake timeout ends it.
            Await.until("the queued message reported", () -> !nodes.inbound(1).unreachable().isEmpty());
            assertThat(nodes.inbound(1).unreachable()).first().isEqualTo(new RecordingInbound.Report(1, 2, false));
            assertThat(nodes.inbound(1).peersDown()).as("a listener that does not answer is not a dead process").isEmpty();
        }
    }

    @Test
    void queueIsBoundedInBytesToo() throws Exception {
        ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Nodes nodes = new Nodes(root);
        try (nodes; silent) {
            GrpcTransport sender = nodes.start(1, b -> b.sendQueueBytesMax(2_000));
            sender.setPeerAddress(2, "127.0.0.1:" + silent.getLocalPort());
            List<Message> big = new ArrayList<>();
            for (long group = 1; group <= 3; group++) {
                big.add(Message.builder(MessageType.APPEND).groupId(group).from(1).to(2).term(1)
                        .entries(List.of(Entry.normal(1, 1, new byte[900]))).build());
            }
            sender.send(big);
            assertThat(nodes.inbound(1).unreachable()).extracting(RecordingInbound.Report::groupId)
                    .containsExactly(3L);
        }
    }
}
