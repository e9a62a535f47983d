package io.ostraka.transport;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.ostraka.node.ErrorCode;
import io.ostraka.node.Inbound;
import io.ostraka.node.OstrakaException;
import io.ostraka.node.Transport.ForwardHandler;
import io.ostraka.raft.Message;
import io.ostraka.raft.MessageType;
import io.ostraka.transport.proto.ForwardReply;
import io.ostraka.transport.proto.ForwardRequest;
import io.ostraka.transport.proto.HelloAck;
import io.ostraka.transport.proto.PeerFrame;
import io.ostraka.transport.proto.PeerGrpc;
import io.ostraka.transport.proto.PeerReply;
import io.ostraka.transport.proto.RaftMessage;
import io.ostraka.transport.proto.SnapshotFrame;
import io.ostraka.transport.proto.SnapshotReply;
import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * The receiving side of the peer protocol. Incoming message streams are validated (handshake
 * first, then batches that decode completely) and delivered to {@link Inbound} in arrival order;
 * a bad frame resets that stream with a status and nothing else. Snapshot calls are handled by
 * {@link SnapshotReceiver}, forwarded requests by the installed {@link ForwardHandler}.
 */
final class PeerService extends PeerGrpc.PeerImplBase {
    private final TransportConfig config;
    private final TransportMetrics metrics;
    private final Inbound inbound;
    private final SnapshotReceiver snapshots;
    private final Supplier<ForwardHandler> forwardHandler;
    private final Handshake handshake;

    PeerService(TransportConfig config, TransportMetrics metrics, Inbound inbound, SnapshotReceiver snapshots,
                Supplier<ForwardHandler> forwardHandler) {
        this.config = config;
        this.metrics = metrics;
        this.inbound = inbound;
        this.snapshots = snapshots;
        this.forwardHandler = forwardHandler;
        this.handshake = new Handshake(config);
    }

    @Override
    public StreamObserver<PeerFrame> messages(StreamObserver<PeerReply> replies) {
        return new MessageStream(replies);
    }

    private final class MessageStream implements StreamObserver<PeerFrame> {
        private final StreamObserver<PeerReply> replies;
        private long from;
        private boolean closed;

        MessageStream(StreamObserver<PeerReply> replies) {
            this.replies = replies;
        }

        @Override
        public void onNext(PeerFrame frame) {
            if (closed) {
                return;
            }
            if (from == 0) {
                String refusal = frame.hasHello() ? handshake.refuse(frame.getHello()) : "first frame is not a hello";
                if (refusal != null) {
                    reset(Status.FAILED_PRECONDITION, refusal);
                    return;
                }
                from = frame.getHello().getFromNodeId();
                replies.onNext(PeerReply.newBuilder().setHelloAck(HelloAck.newBuilder()
                        .setProtocolVersion(TransportConfig.PROTOCOL_VERSION)
                        .setNodeId(config.nodeId())).build());
                return;
            }
            if (!frame.hasBatch()) {
                reset(Status.INVALID_ARGUMENT, "expected a batch frame, got " + frame.getFrameCase());
                return;
            }
            metrics.bytesReceived.add(frame.getSerializedSize());
            List<Message> delivered = new ArrayList<>(frame.getBatch().getMessagesCount());
            for (RaftMessage encoded : frame.getBatch().getMessagesList()) {
                Message m;
                try {
                    m = Codec.decode(encoded);
                } catch (CodecException e) {
                    metrics.messagesDropped.add(frame.getBatch().getMessagesCount());
                    reset(Status.INVALID_ARGUMENT, "undecodable message from node " + from + ": " + e.getMessage());
                    return;
                }
                if (m.from() != from) {
                    // The stream belongs to the node its hello named: a message claiming another
                    // sender (a vote "from" a third node, say) is a bug or an impersonation.
                    metrics.messagesDropped.add(frame.getBatch().getMessagesCount());
                    reset(Status.INVALID_ARGUMENT, "a message from node " + m.from() + " on node " + from + "'s stream");
                    return;
                }
                if (m.type() == MessageType.SNAPSHOT) {
                    // A snapshot travels on InstallSnapshot, delivered only once its files are
                    // committed; here it would name files this node does not hold.
                    metrics.messagesDropped.add(frame.getBatch().getMessagesCount());
                    reset(Status.INVALID_ARGUMENT, "a SNAPSHOT message from node " + from
                            + " on the message stream: snapshots travel on InstallSnapshot");
                    return;
                }
                if (m.to() != config.nodeId()) {
                    metrics.messagesMisaddressed.increment();
                    metrics.messagesDropped.increment();
                    continue;
                }
                delivered.add(m);
            }
            if (!delivered.isEmpty()) {
                metrics.messagesReceived.add(delivered.size());
                inbound.receive(delivered);
            }
        }

        private void reset(Status status, String description) {
            closed = true;
            metrics.streamResets.increment();
            replies.onError(status.withDescription(description).asRuntimeException());
        }

        @Override
        public void onError(Throwable t) {
            closed = true;
        }

        @Override
        public void onCompleted() {
            if (!closed) {
                closed = true;
                replies.onCompleted();
            }
        }
    }

    @Override
    public StreamObserver<SnapshotFrame> installSnapshot(StreamObserver<SnapshotReply> replies) {
        return snapshots.newCall(replies);
    }

    @Override
    public void forward(ForwardRequest request, StreamObserver<ForwardReply> replies) {
        String refusal = request.hasHello() ? handshake.refuse(request.getHello()) : "forward without hello";
        if (refusal != null) {
            replies.onError(Status.FAILED_PRECONDITION.withDescription(refusal).asRuntimeException());
            return;
        }
        ForwardHandler handler = forwardHandler.get();
        if (handler == null) {
            reply(replies, ForwardReply.newBuilder().setError(WireErrors.encode(new OstrakaException(
                    ErrorCode.NO_QUORUM, "node " + config.nodeId() + " does not serve forwarded requests yet")))
                    .build());
            return;
        }
        CompletableFuture<byte[]> result;
        try {
            result = handler.handle(request.getPayload().toByteArray());
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        ServerCallStreamObserver<ForwardReply> call = (ServerCallStreamObserver<ForwardReply>) replies;
        CompletableFuture<byte[]> pending = result;
        call.setOnCancelHandler(() -> pending.cancel(false));
        result.whenComplete((payload, failure) -> {
            if (call.isCancelled()) {
                return;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause == null) {
                reply(replies, ForwardReply.newBuilder()
                        .setPayload(payload == null ? ByteString.EMPTY : ByteString.copyFrom(payload)).build());
            } else if (cause instanceof OstrakaException e) {
                reply(replies, ForwardReply.newBuilder().setError(WireErrors.encode(e)).build());
            } else if (cause instanceof CancellationException) {
                replies.onError(Status.CANCELLED.withDescription("handler cancelled").asRuntimeException());
            } else {
                replies.onError(Status.INTERNAL.withDescription("forward handler failed: " + cause)
                        .asRuntimeException());
            }
        });
    }

    private static void reply(StreamObserver<ForwardReply> replies, ForwardReply reply) {
        replies.onNext(reply);
        replies.onCompleted();
    }
}
