package io.ostraka.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.ostraka.raft.Message;
import io.ostraka.raft.MessageType;
import io.ostraka.transport.proto.Batch;
import io.ostraka.transport.proto.Hello;
import io.ostraka.transport.proto.PeerFrame;
import io.ostraka.transport.proto.PeerGrpc;
import io.ostraka.transport.proto.PeerReply;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves, over real gRPC on loopback: batched messages for several groups arrive complete and in
 * order per sender; three nodes talk all-to-all; a message to a node without an address is
 * reported unreachable; the receiver drops and counts messages addressed to another node; a
 * stream with an undecodable frame, another cluster's id or a wrong protocol version is refused
 * with a status while the receiver keeps serving everyone else.
 */
class MessagingTest {
    @TempDir
    Path root;

    @Test
    void batchedMessagesForSeveralGroupsArriveInOrder() throws Exception {
        try (Nodes nodes = Nodes.started(root, 2)) {
            int perGroup = 500;
            List<Message> sent = new ArrayList<>();
            for (int seq = 0; seq < perGroup; seq++) {
                for (long group = 1; group <= 4; group++) {
                    sent.add(Msgs.append(group, 1, 2, seq));
                }
            }
            // Several calls, like successive Readys of an event loop.
            for (int i = 0; i < sent.size(); i += 37) {
                nodes.transport(1).send(sent.subList(i, Math.min(sent.size(), i + 37)));
            }
            Await.until("all messages at node 2", () -> nodes.inbound(2).received().size() == sent.size());
            assertThat(nodes.inbound(2).received()).containsExactlyElementsOf(sent);
            assertThat(nodes.inbound(1).unreachable()).isEmpty();
            TransportMetrics m = nodes.transport(1).metrics();
            assertThat(m.messagesSent()).isEqualTo(sent.size());
            assertThat(m.batchesSent()).isLessThanOrEqualTo(sent.size()).isPositive();
            assertThat(m.bytesSent()).isPositive();
            assertThat(nodes.transport(2).metrics().messagesReceived()).isEqualTo(sent.size());
        }
    }

    @Test
    void threeNodesExchangeAllToAll() throws Exception {
        try (Nodes nodes = Nodes.started(root, 3)) {
            for (long from = 1; from <= 3; from++) {
                List<Message> batch = new ArrayList<>();
                for (long to = 1; to <= 3; to++) {
                    if (to != from) {
                        for (int seq = 0; seq < 50; seq++) {
                            batch.add(Msgs.append(from * 10 + to, from, to, seq));
                        }
                    }
                }
                nodes.transport(from).send(batch);
            }
            for (long to = 1; to <= 3; to++) {
                RecordingInbound in = nodes.inbound(to);
                Await.until("100 messages at node " + to, () -> in.received().size() == 100);
                for (long from = 1; from <= 3; from++) {
                    long f = from;
                    List<Long> indexes = in.received().stream().filter(m -> m.from() == f).map(Message::index).toList();
                    assertThat(indexes).isSortedAccordingTo(Long::compare)
                            .hasSize(from == to ? 0 : 50);
                }
            }
        }
    }

    @Test
    void messageToUnknownNodeIsReportedUnreachable() throws Exception {
        try (Nodes nodes = Nodes.started(root, 2)) {
            nodes.transport(1).send(List.of(Msgs.append(5, 1, 9, 0), Msgs.append(6, 1, 2, 0)));
            assertThat(nodes.inbound(1).unreachable()).containsExactly(new RecordingInbound.Report(5, 9, false));
            Await.until("the routable message", () -> nodes.inbound(2).received().size() == 1);
            assertThat(nodes.transport(1).metrics().messagesDropped()).isEqualTo(1);
        }
    }

    @Test
    void receiverDropsAndCountsMessagesForAnotherNode() throws Exception {
        try (Nodes nodes = Nodes.started(root, 2); RawStream raw = new RawStream(nodes.transport(2).port())) {
            raw.send(hello("test-cluster", 7, 2, TransportConfig.PROTOCOL_VERSION));
            raw.awaitAck();
            raw.send(batch(Msgs.append(1, 7, 3, 0), Msgs.append(1, 7, 2, 1)));
            Await.until("the message for node 2", () -> nodes.inbound(2).received().size() == 1);
            assertThat(nodes.inbound(2).received().get(0).index()).isEqualTo(1);
            assertThat(nodes.transport(2).metrics().messagesMisaddressed()).isEqualTo(1);
        }
    }

    @Test
    void undecodableFrameResetsOnlyThatStream() throws Exception {
        try (Nodes nodes = Nodes.started(root, 2); RawStream raw = new RawStream(nodes.transport(2).port())) {
            raw.send(hello("test-cluster", 7, 2, TransportConfig.PROTOCOL_VERSION));
            raw.awaitAck();
            PeerFrame bad = PeerFrame.newBuilder().setBatch(Batch.newBuilder()
                    .addMessages(Codec.encode(Msgs.append(1, 7, 2, 0)).toBuilder().setTypeValue(42))).build();
            raw.send(bad);
            Status status = raw.awaitError();
            assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(status.getDescription()).contains("unknown type 42");
            assertThat(nodes.transport(2).metrics().streamResets()).isEqualTo(1);
            // The receiver still serves its real peers.
            nodes.transport(1).send(List.of(Msgs.append(1, 1, 2, 5)));
            Await.until("a message after the reset", () -> nodes.inbound(2).received().size() == 1);
        }
    }

    @Test
    void otherClusterOrVersionOrNodeIsRefused() throws Exception {
        try (Nodes nodes = Nodes.started(root, 1)) {
            int port = nodes.transport(1).port();
            for (PeerFrame hello : List.of(hello("other-cluster", 7, 1, TransportConfig.PROTOCOL_VERSION),
                    hello("test-cluster", 7, 1, 99), hello("test-cluster", 7, 4, TransportConfig.PROTOCOL_VERSION),
                    PeerFrame.newBuilder().setBatch(Batch.getDefaultInstance()).build())) {
                try (RawStream raw = new RawStream(port)) {
                    raw.send(hello);
                    Status status = raw.awaitError();
                    assertThat(status.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                }
            }
        }
    }

    @Test
    void senderOfAnotherClusterReportsUnreachable() throws Exception {
        try (Nodes nodes = Nodes.started(root, 1)) {
            RecordingInbound in = new RecordingInbound();
            try (GrpcTransport other = new GrpcTransport(TransportConfig.builder(5, "another-cluster")
                    .listenHost("127.0.0.1").port(0)
                    .snapshotFiles(new DirectorySnapshotFiles(root.resolve("other"))).build())) {
                other.start(in);
                other.setPeerAddress(1, "127.0.0.1:" + nodes.transport(1).port());
                other.send(List.of(Msgs.append(1, 5, 1, 0)));
                Await.until("unreachable report", () -> !in.unreachable().isEmpty());
                assertThat(in.unreachable().get(0)).isEqualTo(new RecordingInbound.Report(1, 1, false));
                assertThat(nodes.inbound(1).received()).isEmpty();
            }
        }
    }

    static PeerFrame hello(String cluster, long from, long to, int version) {
        return PeerFrame.newBuilder().setHello(Hello.newBuilder().setClusterId(cluster).setFromNodeId(from)
                .setToNodeId(to).setProtocolVersion(version)).build();
    }

    static PeerFrame batch(Message... messages) {
        Batch.Builder b = Batch.newBuilder();
        for (Message m : messages) {
            b.addMessages(Codec.encode(m));
        }
        return PeerFrame.newBuilder().setBatch(b).build();
    }

    /** A hand-driven Messages call, to send frames a GrpcTransport never would. */
    static final class RawStream implements AutoCloseable {
        final ManagedChannel channel;
        final StreamObserver<PeerFrame> requests;
        final CompletableFuture<PeerReply> ack = new CompletableFuture<>();
        final CompletableFuture<Status> error = new CompletableFuture<>();

        RawStream(int port) {
            channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
            requests = PeerGrpc.newStub(channel).messages(new StreamObserver<>() {
                @Override
                public void onNext(PeerReply reply) {
                    ack.complete(reply);
                }

                @Override
                public void onError(Throwable t) {
                    error.complete(Status.fromThrowable(t));
                }

                @Override
                public void onCompleted() {
                    error.complete(Status.OK);
                }
            });
        }

        void send(PeerFrame frame) {
            requests.onNext(frame);
        }

        void awaitAck() throws Exception {
            assertThat(ack.get(20, TimeUnit.SECONDS).getHelloAck().getNodeId()).isPositive();
        }

        Status awaitError() throws Exception {
            return error.get(20, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws InterruptedException {
            try {
                requests.onError(new StatusRuntimeException(Status.CANCELLED));
            } catch (RuntimeException ignored) {
                // already closed
            }
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
