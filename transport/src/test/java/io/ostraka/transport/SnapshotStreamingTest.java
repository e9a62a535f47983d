package io.ostraka.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.ostraka.node.SnapshotTransfer;
import io.ostraka.node.SnapshotTransfer.Phase;
import io.ostraka.raft.ConfState;
import io.ostraka.raft.Message;
import io.ostraka.raft.MessageType;
import io.ostraka.raft.SnapshotMetadata;
import io.ostraka.transport.SnapshotFiles.StoredSnapshot;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.ostraka.transport.proto.PeerGrpc;
import io.ostraka.transport.proto.SnapshotChunk;
import io.ostraka.transport.proto.SnapshotFileInfo;
import io.ostraka.transport.proto.SnapshotFrame;
import io.ostraka.transport.proto.SnapshotHeader;
import io.ostraka.transport.proto.SnapshotReply;
import io.ostraka.transport.proto.SnapshotResult;
import java.io.FilterInputStream;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves snapshot streaming end to end over loopback: a multi-file directory of a few MB arrives
 * byte-identical, is committed atomically in the receiver's store, and only then is the SNAPSHOT
 * message delivered; progress events climb to the total, and the node hears the stream start,
 * advance by tenths and end; a corrupted chunk is caught by its
 * CRC32C, refused, and nothing is committed; a receiver's refusal is reported as a failed
 * snapshot; a transfer broken mid-stream is reported
 * failed and the next attempt resumes from the receiver's verified offsets instead of starting over.
 */
class SnapshotStreamingTest {
    private static final long GROUP = 9;
    private static final long TERM = 4;
    private static final long INDEX = 1000;
    private static final int DATA_BYTES = 2_500_000;

    @TempDir
    Path root;

    /** A store that can damage what the sender reads (the test hook lives here, not in production code). */
    static final class FaultySnapshotFiles implements SnapshotFiles {
        interface Fault {
            InputStream wrap(String fileName, InputStream in);
        }

        final SnapshotFiles delegate;
        volatile Fault fault = (name, in) -> in;

        FaultySnapshotFiles(SnapshotFiles delegate) {
            this.delegate = delegate;
        }

        @Override
        public Optional<StoredSnapshot> find(long groupId, long term, long index) throws IOException {
            return delegate.find(groupId, term, index);
        }

        @Override
        public List<StoredSnapshot> list(long groupId) throws IOException {
            return delegate.list(groupId);
        }

        @Override
        public InputStream open(StoredSnapshot snapshot, String fileName) throws IOException {
            return fault.wrap(fileName, delegate.open(snapshot, fileName));
        }

        @Override
        public Writer begin(long groupId, long term, long index) throws IOException {
            return delegate.begin(groupId, term, index);
        }
    }

    /** Calls {@code atByte} when the stream is about to pass byte {@code position}. */
    static InputStream onPosition(InputStream in, long position, IoAction atByte) {
        return new FilterInputStream(in) {
            long read;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (read <= position && read + len > position) {
                    int before = (int) (position - read);
                    if (before > 0) {
                        int n = super.read(b, off, before);
                        read += n;
                        return n;
                    }
                    atByte.run(b, off);
                }
                int n = super.read(b, off, len);
                read += Math.max(n, 0);
                return n;
            }
        };
    }

    interface IoAction {
        /** Runs as the stream reaches the position; may throw, or change b[off] after the read. */
        void run(byte[] b, int off) throws IOException;
    }

    record Progress(long sent, long total) {
    }

    private final List<Progress> progress = new ArrayList<>();

    private FaultySnapshotFiles senderFiles;

    private Nodes start() throws Exception {
        Nodes nodes = new Nodes(root);
        senderFiles = new FaultySnapshotFiles(new DirectorySnapshotFiles(root.resolve("node-1")));
        nodes.start(1, b -> b.snapshotFiles(senderFiles).snapshotChunkBytes(256 * 1024)
                .listener(new TransportListener() {
                    @Override
                    public void snapshotProgress(long groupId, long peerId, long sentBytes, long totalBytes) {
                        synchronized (progress) {
                            progress.add(new Progress(sentBytes, totalBytes));
                        }
                    }
                }));
        nodes.start(2, b -> b);
        nodes.connectAll();
        writeSnapshot(senderFiles.delegate);
        return nodes;
    }

    private static void writeSnapshot(SnapshotFiles store) throws IOException {
        SplittableRandom random = new SplittableRandom(3);
        SnapshotFiles.Writer w = store.begin(GROUP, TERM, INDEX);
        Files.write(w.directory().resolve("data.bin"), bytes(random, DATA_BYTES));
        Files.createDirectories(w.directory().resolve("sub"));
        Files.write(w.directory().resolve("sub/index.bin"), bytes(random, 700_000));
        Files.write(w.directory().resolve("empty"), new byte[0]);
        Files.writeString(w.directory().resolve("small.txt"), "applied=1000\n");
        w.commit();
    }

    private static byte[] bytes(SplittableRandom random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static Message snapshotMessage() {
        return Message.builder(MessageType.SNAPSHOT).groupId(GROUP).from(1).to(2).term(5)
                .snapshot(new SnapshotMetadata(INDEX, TERM, ConfState.ofVoters(1L, 2L, 3L))).build();
    }

    private static Path receiverStore() {
        return Path.of("node-2");
    }

    private void assertIdentical(Path receiverRoot) throws IOException {
        StoredSnapshot sent = senderFiles.find(GROUP, TERM, INDEX).orElseThrow();
        StoredSnapshot got = new DirectorySnapshotFiles(receiverRoot).find(GROUP, TERM, INDEX).orElseThrow();
        assertThat(got.files()).isEqualTo(sent.files());
        for (SnapshotFiles.SnapshotFile f : sent.files()) {
            assertThat(Files.readAllBytes(got.directory().resolve(f.name())))
                    .as(f.name()).isEqualTo(Files.readAllBytes(sent.directory().resolve(f.name())));
        }
    }

    private static List<String> leftovers(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList();
        }
    }

    @Test
    void multiFileSnapshotArrivesIdenticalAndCommitted() throws Exception {
        try (Nodes nodes = start()) {
            nodes.transport(1).sendSnapshot(snapshotMessage());
            Await.until("snapshot report", () -> !nodes.inbound(1).snapshots().isEmpty());
            assertThat(nodes.inbound(1).snapshots()).containsExactly(new RecordingInbound.Report(GROUP, 2, true));
            assertThat(nodes.inbound(2).received()).containsExactly(snapshotMessage());

            Path receiverRoot = root.resolve(receiverStore());
            assertIdentical(receiverRoot);
            assertThat(leftovers(receiverRoot.resolve(Long.toString(GROUP)))).isEmpty();

            long total = senderFiles.find(GROUP, TERM, INDEX).orElseThrow().totalBytes();
            synchronized (progress) {
                assertThat(progress).hasSizeGreaterThan(5).allMatch(p -> p.total() == total);
                assertThat(progress).extracting(Progress::sent).isSorted().startsWith(0L).endsWith(total);
            }
            assertThat(nodes.transport(1).metrics().snapshotBytesSent()).isEqualTo(total);
            assertThat(nodes.transport(2).metrics().snapshotBytesReceived()).isEqualTo(total);
            assertThat(nodes.transport(1).metrics().snapshotsSent()).isEqualTo(1);
            assertThat(nodes.transport(1).metrics().snapshotsSending()).isZero();
            assertThat(nodes.transport(2).metrics().snapshotsReceiving()).isZero();
            assertThat(nodes.transport(1).metrics().snapshotsResumed()).isZero();

            List<SnapshotTransfer> transfers = nodes.inbound(1).transfers();
            assertThat(transfers).allMatch(t -> t.groupId() == GROUP && t.peerId() == 2 && t.index() == INDEX
                    && t.totalBytes() == total);
            assertThat(transfers.get(0)).isEqualTo(new SnapshotTransfer(GROUP, 2, INDEX, Phase.STARTED, 0, total, ""));
            assertThat(transfers.get(transfers.size() - 1))
                    .isEqualTo(new SnapshotTransfer(GROUP, 2, INDEX, Phase.DELIVERED, total, total, ""));
            List<SnapshotTransfer> steps = transfers.subList(1, transfers.size() - 1);
            assertThat(steps).hasSizeBetween(2, 10).allMatch(t -> t.phase() == Phase.PROGRESS);
            assertThat(steps).extracting(SnapshotTransfer::sentBytes).isSorted().doesNotHaveDuplicates().endsWith(total);
        }
    }

    /**
     * The chunk CRC protects the path from the sender's read to the receiver's write, so the fault
     * is injected there: a hand-driven call sends a chunk whose bytes do not match its CRC32C (what
     * a flipped bit on the wire or in a buffer looks like). A byte flipped while reading the
     * sender's disk is the snapshot store's manifest's job, not the transport's.
     */
    @Test
    void corruptedChunkIsDetectedAndNothingIsCommitted() throws Exception {
        try (Nodes nodes = start()) {
            byte[] data = bytes(new SplittableRandom(5), 100_000);
            try (RawSnapshotCall call = new RawSnapshotCall(nodes.transport(2).port())) {
                call.header(snapshotMessage(), "data.bin", data.length);
                assertThat(call.awaitResume()).containsExactly(0L);
                call.chunk(0, 0, Arrays.copyOf(data, 60_000), crc(data, 0, 60_000));
                byte[] flipped = Arrays.copyOfRange(data, 60_000, data.length);
                int goodCrc = crc(flipped, 0, flipped.length);
                flipped[1234] ^= 0x40;
                call.chunk(0, 60_000, flipped, goodCrc);
                SnapshotResult result = call.awaitResult();
                assertThat(result.getOk()).isFalse();
                assertThat(result.getError()).contains("checksum mismatch in data.bin at offset 60000");
            }
            assertThat(nodes.inbound(2).received()).isEmpty();
            Path receiverRoot = root.resolve(receiverStore());
            assertThat(new DirectorySnapshotFiles(receiverRoot).find(GROUP, TERM, INDEX)).isEmpty();
            assertThat(leftovers(receiverRoot.resolve(Long.toString(GROUP)))).isEmpty();
            assertThat(nodes.transport(2).metrics().snapshotsReceiving()).isZero();
            // Corrupted data is never resumed from: the next attempt starts at offset 0.
            try (RawSnapshotCall call = new RawSnapshotCall(nodes.transport(2).port())) {
                call.header(snapshotMessage(), "data.bin", data.length);
                assertThat(call.awaitResume()).containsExactly(0L);
            }
        }
    }

    /** The sender's side of that: a receiver's failed result is reported as a failed snapshot. */
    @Test
    void receiverRefusalIsReportedFailed() throws Exception {
        try (Nodes nodes = start()) {
            // A SNAPSHOT message naming a node that is not the receiver is refused in the header.
            nodes.transport(1).setPeerAddress(3, "127.0.0.1:" + nodes.transport(2).port());
            nodes.transport(1).sendSnapshot(snapshotMessage().toBuilder().to(3).build());
            Await.until("snapshot report", () -> !nodes.inbound(1).snapshots().isEmpty());
            assertThat(nodes.inbound(1).snapshots()).containsExactly(new RecordingInbound.Report(GROUP, 3, false));
            assertThat(nodes.transport(1).metrics().snapshotsFailed()).isEqualTo(1);
            assertThat(nodes.inbound(1).transfers()).last().satisfies(t -> {
                assertThat(t.phase()).isEqualTo(Phase.FAILED);
                assertThat(t.peerId()).isEqualTo(3);
                assertThat(t.detail()).contains("this is node 2, not node 3");
            });
            assertThat(nodes.inbound(2).received()).isEmpty();
        }
    }

    private static int crc(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }

    /** A hand-driven InstallSnapshot call. */
    static final class RawSnapshotCall implements AutoCloseable {
        final ManagedChannel channel;
        final StreamObserver<SnapshotFrame> requests;
        final CompletableFuture<List<Long>> resume = new CompletableFuture<>();
        final CompletableFuture<SnapshotResult> result = new CompletableFuture<>();

        RawSnapshotCall(int port) {
            channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
            requests = PeerGrpc.newStub(channel).installSnapshot(new StreamObserver<>() {
                @Override
                public void onNext(SnapshotReply reply) {
                    if (reply.hasResume()) {
                        resume.complete(reply.getResume().getOffsetsList());
                    } else {
                        result.complete(reply.getResult());
                    }
                }

                @Override
                public void onError(Throwable t) {
                    resume.completeExceptionally(t);
                    result.completeExceptionally(t);
                }

                @Override
                public void onCompleted() {
                }
            });
        }

        void header(Message message, String file, long size) {
            requests.onNext(SnapshotFrame.newBuilder().setHeader(SnapshotHeader.newBuilder()
                    .setHello(MessagingTest.hello("test-cluster", message.from(), message.to(),
                            TransportConfig.PROTOCOL_VERSION).getHello())
                    .setMessage(Codec.encode(message))
                    .addFiles(SnapshotFileInfo.newBuilder().setName(file).setSizeBytes(size))).build());
        }

        void chunk(int file, long offset, byte[] data, int crc32c) {
            requests.onNext(SnapshotFrame.newBuilder().setChunk(SnapshotChunk.newBuilder().setFile(file)
                    .setOffset(offset).setData(ByteString.copyFrom(data)).setCrc32C(crc32c)).build());
        }

        List<Long> awaitResume() throws Exception {
            return resume.get(20, TimeUnit.SECONDS);
        }

        SnapshotResult awaitResult() throws Exception {
            return result.get(20, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws InterruptedException {
            try {
                requests.onError(Status.CANCELLED.asRuntimeException());
            } catch (RuntimeException ignored) {
                // already closed
            }
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void brokenTransferIsReportedAndTheRetryResumes() throws Exception {
        try (Nodes nodes = start()) {
            Path groupDir = root.resolve(receiverStore()).resolve(Long.toString(GROUP));
            // First attempt: once the receiver holds at least 1 MB of data.bin, the sender's disk "fails".
            senderFiles.fault = (name, in) -> name.equals("data.bin") ? onPosition(in, 2_000_000, (b, off) -> {
                Await.until("receiver has 1 MB", () -> partialSize(groupDir, "data.bin") >= 1_000_000);
                throw new IOException("injected read failure");
            }) : in;
            nodes.transport(1).sendSnapshot(snapshotMessage());
            Await.until("first report", () -> nodes.inbound(1).snapshots().size() == 1);
            assertThat(nodes.inbound(1).snapshots().get(0).ok()).isFalse();
            assertThat(nodes.inbound(1).transfers()).last().satisfies(t -> {
                assertThat(t.phase()).isEqualTo(Phase.FAILED);
                assertThat(t.detail()).contains("injected read failure");
                assertThat(t.sentBytes()).isBetween(1_000_000L, t.totalBytes() - 1);
            });
            int firstAttemptReports = nodes.inbound(1).transfers().size();
            assertThat(nodes.inbound(2).received()).isEmpty();
            long sentFirst = nodes.transport(1).metrics().snapshotBytesSent();

            senderFiles.fault = (name, in) -> in;
            progress.clear();
            nodes.transport(1).sendSnapshot(snapshotMessage());
            Await.until("second report", () -> nodes.inbound(1).snapshots().size() == 2);
            assertThat(nodes.inbound(1).snapshots().get(1).ok()).isTrue();
            assertThat(nodes.inbound(2).received()).containsExactly(snapshotMessage());
            assertIdentical(root.resolve(receiverStore()));

            long total = senderFiles.find(GROUP, TERM, INDEX).orElseThrow().totalBytes();
            long sentSecond = nodes.transport(1).metrics().snapshotBytesSent() - sentFirst;
            assertThat(sentSecond).as("bytes sent by the resumed attempt").isLessThanOrEqualTo(total - 1_000_000);
            synchronized (progress) {
                assertThat(progress.get(0).sent()).as("progress starts at the resumed position")
                        .isGreaterThanOrEqualTo(1_000_000);
            }
            SnapshotTransfer resumed = nodes.inbound(1).transfers().get(firstAttemptReports);
            assertThat(resumed.phase()).isEqualTo(Phase.STARTED);
            assertThat(resumed.detail()).isEqualTo("resumed");
            assertThat(resumed.sentBytes()).isGreaterThanOrEqualTo(1_000_000);
            assertThat(nodes.transport(1).metrics().snapshotsResumed()).isEqualTo(1);
            assertThat(nodes.transport(2).metrics().snapshotsReceiving()).isZero();
        }
    }

    /** The size of {@code file} in the transfer's temporary directory (term-index.N.tmp), 0 if none. */
    private static long partialSize(Path groupDir, String file) {
        if (!Files.isDirectory(groupDir)) {
            return 0;
        }
        try (Stream<Path> dirs = Files.list(groupDir)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith(TERM + "-" + INDEX + ".")
                            && d.getFileName().toString().endsWith(".tmp"))
                    .mapToLong(d -> sizeOf(d.resolve(file))).max().orElse(0);
        } catch (IOException e) {
            return 0;
        }
    }

    private static long sizeOf(Path p) {
        try {
            return Files.exists(p) ? Files.size(p) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    @Test
    void unknownSnapshotIsReportedFailed() throws Exception {
        try (Nodes nodes = start()) {
            Message missing = Message.builder(MessageType.SNAPSHOT).groupId(GROUP).from(1).to(2).term(5)
                    .snapshot(new SnapshotMetadata(INDEX + 1, TERM, ConfState.ofVoters(1L, 2L))).build();
            nodes.transport(1).sendSnapshot(missing);
            Await.until("snapshot report", () -> !nodes.inbound(1).snapshots().isEmpty());
            assertThat(nodes.inbound(1).snapshots()).containsExactly(new RecordingInbound.Report(GROUP, 2, false));
            assertThat(nodes.inbound(1).transfers()).singleElement().satisfies(t -> {
                assertThat(t.phase()).isEqualTo(Phase.FAILED);
                assertThat(t.index()).isEqualTo(INDEX + 1);
                assertThat(t.detail()).contains("no snapshot");
            });
        }
    }
}
