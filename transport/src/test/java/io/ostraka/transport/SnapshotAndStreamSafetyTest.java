package io.ostraka.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.ostraka.raft.ConfState;
import io.ostraka.raft.Message;
import io.ostraka.raft.MessageType;
import io.ostraka.raft.SnapshotMetadata;
import io.ostraka.transport.SnapshotFiles.StoredSnapshot;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Found by review in the peer transport: a snapshot file that reads short fails its transfer; a
 * SNAPSHOT on the message stream, or a message claiming another sender, is refused; a resumed transfer delivers the message of the call
 * that completed it; snapshot commits do not stall forwards.
 */
class SnapshotAndStreamSafetyTest {
    private static final long GROUP = 9;
    private static final long TERM = 4;
    private static final long INDEX = 1000;

    @TempDir
    Path root;

    private static Message snapshotMessage(long leaderTerm) {
        return Message.builder(MessageType.SNAPSHOT).groupId(GROUP).from(1).to(2).term(leaderTerm)
                .snapshot(new SnapshotMetadata(INDEX, TERM, ConfState.ofVoters(1L, 2L, 3L))).build();
    }

    private static byte[] bytes(long seed, int n) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    private static int crc(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }

    /**
     * A SNAPSHOT message carries no files on the Messages stream: only InstallSnapshot may deliver
     * one, after the files are committed. A batch carrying one must be refused (the node would try
     * to restore a snapshot its store does not hold, and GroupRunner stops the group on that).
     */
    @Test
    void snapshotMessageOnTheMessageStreamIsRefused() throws Exception {
        try (Nodes nodes = Nodes.started(root, 2);
             MessagingTest.RawStream raw = new MessagingTest.RawStream(nodes.transport(2).port())) {
            raw.send(MessagingTest.hello("test-cluster", 7, 2, TransportConfig.PROTOCOL_VERSION));
            raw.awaitAck();
            Message snapshot = Msgs.ofType(MessageType.SNAPSHOT, 1).toBuilder().from(7).to(2).build();
            raw.send(MessagingTest.batch(snapshot, Msgs.append(1, 7, 2, 1)));
            Await.until("the batch delivered or the stream reset",
                    () -> !nodes.inbound(2).received().isEmpty() || raw.error.isDone());
            assertThat(nodes.inbound(2).received()).as("messages delivered from the batch").isEmpty();
            assertThat(raw.awaitError().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        }
    }

    /** A stream carries its hello's node's messages only: one claiming another sender resets it. */
    @Test
    void aMessageClaimingAnotherSenderIsRefused() throws Exception {
        try (Nodes nodes = Nodes.started(root, 2);
             MessagingTest.RawStream raw = new MessagingTest.RawStream(nodes.transport(2).port())) {
            raw.send(MessagingTest.hello("test-cluster", 7, 2, TransportConfig.PROTOCOL_VERSION));
            raw.awaitAck();
            raw.send(MessagingTest.batch(Msgs.append(1, 7, 2, 1), Msgs.append(1, 3, 2, 1)));
            Await.until("the batch delivered or the stream reset",
                    () -> !nodes.inbound(2).received().isEmpty() || raw.error.isDone());
            assertThat(nodes.inbound(2).received()).as("messages delivered from the batch").isEmpty();
            assertThat(raw.awaitError().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(raw.awaitError().getDescription()).contains("from node 3 on node 7's stream");
        }
    }

    /**
     * The sender's file is shorter than the size it listed (a store that changed under the
     * transfer, a short read): the bytes sent past the end are whatever the buffer held, under a
     * checksum computed over them, so the receiver commits a corrupted snapshot and the sender
     * reports success.
     */
    @Test
    void shortReadOfASnapshotFileFailsTheTransfer() throws Exception {
        Nodes nodes = new Nodes(root);
        SnapshotStreamingTest.FaultySnapshotFiles senderFiles =
                new SnapshotStreamingTest.FaultySnapshotFiles(new DirectorySnapshotFiles(root.resolve("node-1")));
        try (nodes) {
            nodes.start(1, b -> b.snapshotFiles(senderFiles).snapshotChunkBytes(64 * 1024));
            nodes.start(2, b -> b);
            nodes.connectAll();
            SnapshotFiles.Writer w = senderFiles.delegate.begin(GROUP, TERM, INDEX);
            byte[] data = bytes(11, 300_000);
            Files.write(w.directory().resolve("data.bin"), data);
            w.commit();
            // The file yields only its first 200 000 bytes, then EOF.
            senderFiles.fault = (name, in) -> new FilterInputStream(in) {
                long read;

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (read >= 200_000) {
                        return -1;
                    }
                    int n = super.read(b, off, (int) Math.min(len, 200_000 - read));
                    read += Math.max(n, 0);
                    return n;
                }
            };
            nodes.transport(1).sendSnapshot(snapshotMessage(5));
            Await.until("snapshot report", () -> !nodes.inbound(1).snapshots().isEmpty());
            StoredSnapshot got = new DirectorySnapshotFiles(root.resolve("node-2")).find(GROUP, TERM, INDEX).orElse(null);
            boolean committedIntact = got == null
                    || Arrays.equals(Files.readAllBytes(got.directory().resolve("data.bin")), data);
            assertThat(nodes.inbound(1).snapshots()).as("sender's report; receiver committed a byte-identical"
                    + " data.bin: " + committedIntact).containsExactly(new RecordingInbound.Report(GROUP, 2, false));
            assertThat(committedIntact).as("the committed data.bin equals the sender's file").isTrue();
            assertThat(nodes.inbound(2).received()).isEmpty();
        }
    }

    /**
     * A transfer broken mid-way and resumed by the same sender under a newer leader term (same
     * snapshot term/index and files) must deliver the newer SNAPSHOT message: the receiver keeps
     * and delivers the first call's message, with its stale term.
     */
    @Test
    void resumedTransferDeliversTheMessageOfTheCallThatCompletedIt() throws Exception {
        try (Nodes nodes = Nodes.started(root, 2)) {
            byte[] data = bytes(5, 100_000);
            Path groupDir = root.resolve("node-2").resolve(Long.toString(GROUP));
            try (SnapshotStreamingTest.RawSnapshotCall first =
                         new SnapshotStreamingTest.RawSnapshotCall(nodes.transport(2).port())) {
                first.header(snapshotMessage(5), "data.bin", data.length);
                assertThat(first.awaitResume()).containsExactly(0L);
                first.chunk(0, 0, Arrays.copyOf(data, 60_000), crc(data, 0, 60_000));
                Await.until("receiver holds 60000 bytes", () -> partialSize(groupDir) == 60_000);
            }
            Message newer = snapshotMessage(6);
            try (SnapshotStreamingTest.RawSnapshotCall second =
                         new SnapshotStreamingTest.RawSnapshotCall(nodes.transport(2).port())) {
                second.header(newer, "data.bin", data.length);
                assertThat(second.awaitResume()).containsExactly(60_000L);
                byte[] rest = Arrays.copyOfRange(data, 60_000, data.length);
                second.chunk(0, 60_000, rest, crc(rest, 0, rest.length));
                second.requests.onNext(io.ostraka.transport.proto.SnapshotFrame.newBuilder()
                        .setDone(io.ostraka.transport.proto.SnapshotDone.getDefaultInstance()).build());
                assertThat(second.awaitResult().getOk()).isTrue();
            }
            assertThat(nodes.inbound(2).received()).containsExactly(newer);
        }
    }

    /** Snapshot files whose commit blocks until released: a slow fsync / verify of a large snapshot. */
    static final class SlowCommitFiles implements SnapshotFiles {
        final DirectorySnapshotFiles delegate;
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.atomic.AtomicInteger committing = new java.util.concurrent.atomic.AtomicInteger();

        SlowCommitFiles(Path root) {
            delegate = new DirectorySnapshotFiles(root);
        }

        @Override
        public java.util.Optional<StoredSnapshot> find(long groupId, long term, long index) throws IOException {
            return delegate.find(groupId, term, index);
        }

        @Override
        public java.util.List<StoredSnapshot> list(long groupId) throws IOException {
            return delegate.list(groupId);
        }

        @Override
        public InputStream open(StoredSnapshot snapshot, String fileName) throws IOException {
            return delegate.open(snapshot, fileName);
        }

        @Override
        public Writer begin(long groupId, long term, long index) throws IOException {
            Writer w = delegate.begin(groupId, term, index);
            return new Writer() {
                @Override
                public Path directory() {
                    return w.directory();
                }

                @Override
                public StoredSnapshot commit() throws IOException {
                    committing.incrementAndGet();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException(e);
                    }
                    return w.commit();
                }

                @Override
                public void abort() {
                    w.abort();
                }
            };
        }
    }

    /**
     * Snapshot receptions do their file writes and their commit (fsync, and in the server a full
     * verification) on the two shared gRPC callback threads, which also serve forwarded requests
     * and run this node's client-call events (handshake acks, drains resumed by flow control).
     * Two snapshots being committed at once stall every forward to this node.
     */
    @Test
    void slowSnapshotCommitsDoNotStallForwards() throws Exception {
        Nodes nodes = new Nodes(root);
        SlowCommitFiles slow = new SlowCommitFiles(root.resolve("node-2"));
        try (nodes) {
            nodes.start(1, b -> b.forwardDeadline(java.time.Duration.ofSeconds(3)));
            nodes.start(2, b -> b.snapshotFiles(slow));
            nodes.connectAll();
            nodes.transport(2).setForwardHandler(java.util.concurrent.CompletableFuture::completedFuture);
            java.util.List<SnapshotStreamingTest.RawSnapshotCall> calls = new java.util.ArrayList<>();
            try {
                for (long sender = 7; sender <= 8; sender++) {
                    SnapshotStreamingTest.RawSnapshotCall call =
                            new SnapshotStreamingTest.RawSnapshotCall(nodes.transport(2).port());
                    calls.add(call);
                    Message m = snapshotMessage(5).toBuilder().groupId(GROUP + sender).from(sender).build();
                    byte[] data = bytes(sender, 10);
                    call.header(m, "data.bin", data.length);
                    call.awaitResume();
                    call.chunk(0, 0, data, crc(data, 0, data.length));
                    call.requests.onNext(io.ostraka.transport.proto.SnapshotFrame.newBuilder()
                            .setDone(io.ostraka.transport.proto.SnapshotDone.getDefaultInstance()).build());
                }
                Await.until("two snapshot commits in progress", () -> slow.committing.get() == 2);
                java.util.concurrent.CompletableFuture<byte[]> reply =
                        nodes.transport(1).forward(2, new byte[] {42});
                Await.until("forward answered", java.time.Duration.ofSeconds(10), reply::isDone);
                assertThat(reply).as("forward to node 2 while it commits two snapshots").isCompleted();
                assertThat(reply.join()).containsExactly(42);
            } finally {
                slow.release.countDown();
                for (SnapshotStreamingTest.RawSnapshotCall c : calls) {
                    c.close();
                }
            }
        }
    }

    private static long partialSize(Path groupDir) {
        if (!Files.isDirectory(groupDir)) {
            return 0;
        }
        try (Stream<Path> dirs = Files.list(groupDir)) {
            return dirs.filter(d -> d.getFileName().toString().endsWith(".tmp"))
                    .mapToLong(d -> {
                        try {
                            Path f = d.resolve("data.bin");
                            return Files.exists(f) ? Files.size(f) : 0;
                        } catch (IOException e) {
                            return 0;
                        }
                    }).max().orElse(0);
        } catch (IOException e) {
            return 0;
        }
    }
}
