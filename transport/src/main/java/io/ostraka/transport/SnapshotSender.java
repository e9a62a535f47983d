package io.ostraka.transport;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.ostraka.node.Inbound;
import io.ostraka.node.SnapshotTransfer;
import io.ostraka.raft.Message;
import io.ostraka.transport.SnapshotFiles.SnapshotFile;
import io.ostraka.transport.SnapshotFiles.StoredSnapshot;
import io.ostraka.transport.proto.PeerGrpc;
import io.ostraka.transport.proto.SnapshotChunk;
import io.ostraka.transport.proto.SnapshotDone;
import io.ostraka.transport.proto.SnapshotFileInfo;
import io.ostraka.transport.proto.SnapshotFrame;
import io.ostraka.transport.proto.SnapshotHeader;
import io.ostraka.transport.proto.SnapshotReply;
import io.ostraka.transport.proto.SnapshotResult;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import java.util.zip.CRC32C;

/**
 * Streams one snapshot to a peer on an {@code InstallSnapshot} call and reports the outcome to
 * {@link Inbound#reportSnapshot}. Runs on the transport's single snapshot thread and blocks it
 * (waiting for flow-control readiness, the throttle, the receiver's replies), never a caller's.
 *
 * <p>Protocol: header (hello, the SNAPSHOT message, the file list) → the receiver's resume
 * offsets → chunks of each file from its offset, each with its CRC32C → done → the receiver's
 * result. The receiver may answer with a failed result at any point (a checksum mismatch); a
 * call that makes no progress for {@link #STALL_NANOS} fails. A failed transfer is reported as
 * such; the core sends the snapshot again later and the receiver resumes from what it verified.
 *
 * <p>Besides the outcome, {@link Inbound#snapshotTransfer} hears when the stream starts (with
 * the bytes the receiver already holds), each tenth of the way, and how it ended.
 */
final class SnapshotSender {
    static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** Longest single wait in the throttle, so an injected clock is re-read often. */
    private static final long THROTTLE_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final TransportConfig config;
    private final TransportMetrics metrics;
    private final Handshake handshake;
    private final Supplier<Inbound> inbound;
    private final LongFunction<Channel> channelOf;

    SnapshotSender(TransportConfig config, TransportMetrics metrics, Handshake handshake, Supplier<Inbound> inbound,
                   LongFunction<Channel> channelOf) {
        this.config = config;
        this.metrics = metrics;
        this.handshake = handshake;
        this.inbound = inbound;
        this.channelOf = channelOf;
    }

    /** How far one transfer got, for progress reports. */
    private static final class Progress {
        long sentBytes;
        long totalBytes;
        long reportedTenths;
    }

    /** Sends the snapshot the message names and reports the outcome; blocks the calling thread. */
    void send(Message message) {
        long group = message.groupId();
        long peer = message.to();
        boolean delivered = false;
        String detail;
        Progress progress = new Progress();
        metrics.snapshotsSending.increment();
        try {
            detail = transfer(message, progress);
            delivered = detail == null;
        } catch (IOException | RuntimeException e) {
            detail = e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            detail = "interrupted (transport closing)";
        } finally {
            metrics.snapshotsSending.decrement();
        }
        if (delivered) {
            metrics.snapshotsSent.increment();
        } else {
            metrics.snapshotsFailed.increment();
        }
        try {
            config.listener().snapshotFinished(group, peer, delivered, detail == null ? "delivered" : detail);
            report(message, delivered ? SnapshotTransfer.Phase.DELIVERED : SnapshotTransfer.Phase.FAILED, progress,
                    detail == null ? "" : detail);
        } finally {
            // Whatever an observer does: without this report the leader waits in snapshot state.
            inbound.get().reportSnapshot(group, peer, delivered);
        }
    }

    private void report(Message message, SnapshotTransfer.Phase phase, Progress progress, String detail) {
        inbound.get().snapshotTransfer(new SnapshotTransfer(message.groupId(), message.to(), message.snapshot().index(),
                phase, progress.sentBytes, progress.totalBytes, detail));
    }

    /** Reports progress when the stream passes another tenth of the snapshot. */
    private void maybeReportProgress(Message message, Progress progress) {
        long tenths = progress.totalBytes == 0 ? 10 : progress.sentBytes * 10 / progress.totalBytes;
        if (tenths > progress.reportedTenths) {
            progress.reportedTenths = tenths;
            report(message, SnapshotTransfer.Phase.PROGRESS, progress, "");
        }
    }

    /** Returns null when delivered, else why not. */
    private String transfer(Message message, Progress progress) throws IOException, InterruptedException {
        StoredSnapshot snapshot = config.snapshotFiles()
                .find(message.groupId(), message.snapshot().term(), message.snapshot().index())
                .orElseThrow(() -> new IOException("no snapshot " + message.snapshot().term() + "-"
                        + message.snapshot().index() + " of group " + message.groupId() + " in the local store"));
        Channel channel = channelOf.apply(message.to());
        if (channel == null) {
            throw new IOException("no address for node " + message.to());
        }
        Call call = new Call();
        PeerGrpc.newStub(channel).installSnapshot(call);
        try {
            SnapshotHeader.Builder header = SnapshotHeader.newBuilder()
                    .setHello(handshake.hello(message.to()))
                    .setMessage(Codec.encode(message));
            for (SnapshotFile f : snapshot.files()) {
                header.addFiles(SnapshotFileInfo.newBuilder().setName(f.name()).setSizeBytes(f.sizeBytes()));
            }
            call.send(SnapshotFrame.newBuilder().setHeader(header).build());
            long[] offsets = call.awaitResume(snapshot.files().size());
            streamFiles(message, snapshot, offsets, call, progress);
            call.send(SnapshotFrame.newBuilder().setDone(SnapshotDone.getDefaultInstance()).build());
            call.halfClose();
            SnapshotResult result = call.awaitResult();
            return result.getOk() ? null : "receiver refused: " + result.getError();
        } catch (IOException | InterruptedException | RuntimeException e) {
            call.cancel(e.toString());
            throw e;
        }
    }

    private void streamFiles(Message message, StoredSnapshot snapshot, long[] offsets, Call call, Progress progress)
            throws IOException, InterruptedException {
        long total = snapshot.totalBytes();
        long position = 0;
        for (long o : offsets) {
            position += o;
        }
        if (position > 0) {
            metrics.snapshotsResumed.increment();
        }
        progress.totalBytes = total;
        progress.sentBytes = position;
        progress.reportedTenths = total == 0 ? 10 : position * 10 / total;
        report(message, SnapshotTransfer.Phase.STARTED, progress, position > 0 ? "resumed" : "");
        config.listener().snapshotProgress(message.groupId(), message.to(), position, total);
        long startNanos = config.nanoClock().getAsLong();
        long sentThisCall = 0;
        byte[] buffer = new byte[config.snapshotChunkBytes()];
        CRC32C crc = new CRC32C();
        for (int i = 0; i < snapshot.files().size(); i++) {
            SnapshotFile file = snapshot.files().get(i);
            long offset = offsets[i];
            if (offset == file.sizeBytes()) {
                continue;
            }
            try (InputStream in = config.snapshotFiles().open(snapshot, file.name())) {
                in.skipNBytes(offset);
                while (offset < file.sizeBytes()) {
                    int length = (int) Math.min(buffer.length, file.sizeBytes() - offset);
                    int read = in.readNBytes(buffer, 0, length);
                    if (read != length) {
                        // The rest of the buffer holds an earlier chunk's bytes, with a matching
                        // checksum computed over them: never send it.
                        throw new IOException("snapshot file " + file.name() + " ended at " + (offset + read)
                                + " bytes, before the " + file.sizeBytes() + " its header promised");
                    }
                    crc.reset();
                    crc.update(buffer, 0, length);
                    call.throttle(startNanos, sentThisCall);
                    call.awaitReady();
                    call.send(SnapshotFrame.newBuilder().setChunk(SnapshotChunk.newBuilder()
                            .setFile(i)
                            .setOffset(offset)
                            .setData(ByteString.copyFrom(buffer, 0, length))
                            .setCrc32C((int) crc.getValue())).build());
                    offset += length;
                    position += length;
                    sentThisCall += length;
                    metrics.snapshotBytesSent.add(length);
                    progress.sentBytes = position;
                    maybeReportProgress(message, progress);
                    config.listener().snapshotProgress(message.groupId(), message.to(), position, total);
                }
            }
        }
    }

    /** The client side of one InstallSnapshot call, with a monitor to wait on its events. */
    private final class Call implements ClientResponseObserver<SnapshotFrame, SnapshotReply> {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private ClientCallStreamObserver<SnapshotFrame> requests;
        // Guarded by lock.
        private long[] resume;
        private SnapshotResult result;
        private Status error;
        private boolean completed;

        @Override
        public void beforeStart(ClientCallStreamObserver<SnapshotFrame> requestStream) {
            requests = requestStream;
            requestStream.setOnReadyHandler(this::signal);
        }

        @Override
        public void onNext(SnapshotReply reply) {
            lock.lock();
            try {
                if (reply.hasResume()) {
                    resume = reply.getResume().getOffsetsList().stream().mapToLong(Long::longValue).toArray();
                } else if (reply.hasResult()) {
                    result = reply.getResult();
                }
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void onError(Throwable t) {
            lock.lock();
            try {
                error = Status.fromThrowable(t);
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void onCompleted() {
            lock.lock();
            try {
                completed = true;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        private void signal() {
            lock.lock();
            try {
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        void send(SnapshotFrame frame) {
            requests.onNext(frame);
        }

        void halfClose() {
            requests.onCompleted();
        }

        void cancel(String reason) {
            requests.cancel(reason, null);
        }

        /** Throws if the call failed, or if the receiver answered with a result before done. */
        private void checkLocked(boolean resultExpected) throws IOException {
            if (result != null && !resultExpected) {
                throw new IOException("receiver refused: " + result.getError());
            }
            if (error != null) {
                throw new IOException("snapshot call failed: " + error);
            }
            if (completed && result == null) {
                throw new IOException("receiver closed the snapshot call without a result");
            }
        }

        long[] awaitResume(int files) throws IOException, InterruptedException {
            lock.lock();
            try {
                long deadline = System.nanoTime() + STALL_NANOS;
                while (resume == null) {
                    checkLocked(false);
                    awaitUntil(deadline, "the receiver's resume offsets");
                }
                if (resume.length != files) {
                    throw new IOException("receiver resumes " + resume.length + " files of " + files);
                }
                return resume;
            } finally {
                lock.unlock();
            }
        }

        SnapshotResult awaitResult() throws IOException, InterruptedException {
            lock.lock();
            try {
                long deadline = System.nanoTime() + STALL_NANOS;
                while (result == null) {
                    checkLocked(true);
                    awaitUntil(deadline, "the receiver's result");
                }
                return result;
            } finally {
                lock.unlock();
            }
        }

        void awaitReady() throws IOException, InterruptedException {
            lock.lock();
            try {
                long deadline = System.nanoTime() + STALL_NANOS;
                while (true) {
                    checkLocked(false);
                    if (requests.isReady()) {
                        return;
                    }
                    awaitUntil(deadline, "flow control");
                }
            } finally {
                lock.unlock();
            }
        }

        /** Waits until {@code sentBytes} is within the configured rate since {@code startNanos}. */
        void throttle(long startNanos, long sentBytes) throws IOException, InterruptedException {
            long rate = config.snapshotBytesPerSecond();
            if (rate == 0) {
                return;
            }
            long dueNanos = startNanos + (long) (sentBytes * 1e9 / rate);
            lock.lock();
            try {
                while (true) {
                    checkLocked(false);
                    long waitNanos = dueNanos - config.nanoClock().getAsLong();
                    if (waitNanos <= 0) {
                        return;
                    }
                    changed.awaitNanos(Math.min(waitNanos, THROTTLE_SLICE_NANOS));
                }
            } finally {
                lock.unlock();
            }
        }

        /** Stall detection runs on real time (System.nanoTime): a stall is a real-world condition. */
        private void awaitUntil(long deadline, String what) throws IOException, InterruptedException {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                throw new IOException("snapshot transfer stalled waiting for " + what);
            }
            changed.awaitNanos(remaining);
        }
    }
}
