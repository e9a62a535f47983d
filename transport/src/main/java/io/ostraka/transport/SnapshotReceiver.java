package io.ostraka.transport;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.ostraka.node.Inbound;
import io.ostraka.raft.Message;
import io.ostraka.raft.MessageType;
import io.ostraka.transport.SnapshotFiles.SnapshotFile;
import io.ostraka.transport.proto.SnapshotChunk;
import io.ostraka.transport.proto.SnapshotFileInfo;
import io.ostraka.transport.proto.SnapshotFrame;
import io.ostraka.transport.proto.SnapshotHeader;
import io.ostraka.transport.proto.SnapshotReply;
import io.ostraka.transport.proto.SnapshotResult;
import io.ostraka.transport.proto.SnapshotResume;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Receives snapshots into the local {@link SnapshotFiles} and then delivers the SNAPSHOT message.
 *
 * <p>Resumption: a transfer that breaks (the sender's call fails or is cancelled) leaves its
 * partly written directory and per-file verified offsets here, keyed by (group, sender). When the
 * same sender starts the same snapshot (term, index, identical file list) again, the reply to
 * its header carries those offsets and it continues from them. Another snapshot of the group
 * from that sender replaces the partial one. A checksum mismatch, a chunk out of order or past
 * the end of its file, or a missing file at the end aborts the transfer and discards its files:
 * corrupted data is never resumed from. Bounded: one partial transfer per (group, sender).
 */
final class SnapshotReceiver {
    private record Key(long groupId, long from) {
    }

    /** A transfer in progress or broken. Mutated only by the call that owns it. */
    private static final class Partial {
        /** The message of the call that took the transfer over last: it is the one to deliver. */
        Message message;
        final List<SnapshotFile> files;
        final SnapshotFiles.Writer writer;
        final long[] offsets;
        Object owner;

        Partial(Message message, List<SnapshotFile> files, SnapshotFiles.Writer writer) {
            this.message = message;
            this.files = files;
            this.writer = writer;
            this.offsets = new long[files.size()];
        }

        boolean sameTransfer(Message m, List<SnapshotFile> otherFiles) {
            return message.snapshot().index() == m.snapshot().index()
                    && message.snapshot().term() == m.snapshot().term() && files.equals(otherFiles);
        }
    }

    private final TransportConfig config;
    private final TransportMetrics metrics;
    private final Inbound inbound;
    private final Handshake handshake;
    // Guarded by this.
    private final Map<Key, Partial> partials = new HashMap<>();
    private boolean closed;

    SnapshotReceiver(TransportConfig config, TransportMetrics metrics, Inbound inbound,
                     Handshake handshake) {
        this.config = config;
        this.metrics = metrics;
        this.inbound = inbound;
        this.handshake = handshake;
    }

    StreamObserver<SnapshotFrame> newCall(StreamObserver<SnapshotReply> replies) {
        return new Call(replies);
    }

    /** Discards every partial transfer (on close). */
    synchronized void close() {
        closed = true;
        for (Partial p : partials.values()) {
            p.writer.abort();
        }
        partials.clear();
    }

    /** Exposed for tests: how many verified bytes of the partial transfer (group, from) are held. */
    synchronized long partialBytes(long groupId, long from) {
        Partial p = partials.get(new Key(groupId, from));
        long total = 0;
        if (p != null) {
            for (long o : p.offsets) {
                total += o;
            }
        }
        return total;
    }

    /** Takes over (or starts) the partial transfer for this header. */
    private synchronized Partial claim(Object owner, Message message, List<SnapshotFile> files) throws IOException {
        if (closed) {
            throw new IOException("transport closed");
        }
        Key key = new Key(message.groupId(), message.from());
        Partial p = partials.get(key);
        if (p != null && p.sameTransfer(message, files)) {
            p.owner = owner; // a newer call from the same sender supersedes an older one
            p.message = message; // and its message (a newer term, say) is what gets delivered
            return p;
        }
        if (p != null) {
            p.writer.abort();
        }
        SnapshotFiles.Writer writer = config.snapshotFiles().begin(message.groupId(), message.snapshot().term(),
                message.snapshot().index());
        Partial fresh = new Partial(message, files, writer);
        try {
            for (SnapshotFile f : files) {
                Path path = writer.directory().resolve(f.name());
                Files.createDirectories(path.getParent());
                Files.deleteIfExists(path);
                Files.createFile(path);
            }
        } catch (IOException e) {
            writer.abort();
            throw e;
        }
        fresh.owner = owner;
        partials.put(key, fresh);
        return fresh;
    }

    private synchronized boolean owns(Partial p, Object owner) {
        return !closed && p.owner == owner && partials.get(new Key(p.message.groupId(), p.message.from())) == p;
    }

    private synchronized void release(Partial p, Object owner, boolean discard) {
        Key key = new Key(p.message.groupId(), p.message.from());
        if (p.owner != owner || partials.get(key) != p) {
            return;
        }
        p.owner = null;
        if (discard) {
            partials.remove(key);
            p.writer.abort();
        }
    }

    private synchronized void finished(Partial p) {
        partials.remove(new Key(p.message.groupId(), p.message.from()), p);
    }

    /** One InstallSnapshot call. gRPC delivers its callbacks one at a time. */
    private final class Call implements StreamObserver<SnapshotFrame> {
        private final StreamObserver<SnapshotReply> replies;
        private final CRC32C crc = new CRC32C();
        private Partial partial;
        private boolean ended;
        /** Counted in {@link TransportMetrics#snapshotsReceiving()} from its header until it ends. */
        private boolean counted;
        private int openFile = -1;
        private FileChannel openChannel;

        Call(StreamObserver<SnapshotReply> replies) {
            this.replies = replies;
        }

        @Override
        public void onNext(SnapshotFrame frame) {
            if (ended) {
                return;
            }
            try {
                switch (frame.getFrameCase()) {
                    case HEADER -> header(frame.getHeader());
                    case CHUNK -> chunk(frame.getChunk());
                    case DONE -> done();
                    case FRAME_NOT_SET -> fail(true, "empty snapshot frame");
                }
            } catch (IOException | IllegalArgumentException | CodecException e) {
                fail(true, e.toString());
            }
        }

        private void header(SnapshotHeader header) throws IOException, CodecException {
            if (partial != null) {
                throw new IllegalArgumentException("second snapshot header on one call");
            }
            String refusal = handshake.refuse(header.getHello());
            if (refusal != null) {
                ended = true;
                replies.onError(Status.FAILED_PRECONDITION.withDescription(refusal).asRuntimeException());
                return;
            }
            Message message = Codec.decode(header.getMessage());
            if (message.type() != MessageType.SNAPSHOT || message.to() != config.nodeId()
                    || message.from() != header.getHello().getFromNodeId()) {
                throw new IllegalArgumentException("header carries " + message + ", not a SNAPSHOT from node "
                        + header.getHello().getFromNodeId() + " to node " + config.nodeId());
            }
            List<SnapshotFile> files = new ArrayList<>(header.getFilesCount());
            for (SnapshotFileInfo f : header.getFilesList()) {
                if (f.getSizeBytes() < 0) {
                    throw new IllegalArgumentException("file " + f.getName() + " has a negative size");
                }
                files.add(new SnapshotFile(SnapshotFiles.checkFileName(f.getName()), f.getSizeBytes()));
            }
            partial = claim(this, message, files);
            counted = true;
            metrics.snapshotsReceiving.increment();
            SnapshotResume.Builder resume = SnapshotResume.newBuilder();
            for (long offset : partial.offsets) {
                resume.addOffsets(offset);
            }
            replies.onNext(SnapshotReply.newBuilder().setResume(resume).build());
        }

        private void chunk(SnapshotChunk chunk) throws IOException {
            if (partial == null || !owns(partial, this)) {
                throw new IllegalArgumentException("chunk without a snapshot header (or superseded)");
            }
            int file = chunk.getFile();
            if (file < 0 || file >= partial.files.size()) {
                throw new IllegalArgumentException("chunk names file #" + file + " of " + partial.files.size());
            }
            SnapshotFile info = partial.files.get(file);
            long offset = chunk.getOffset();
            int length = chunk.getData().size();
            if (offset != partial.offsets[file] || offset + length > info.sizeBytes()) {
                throw new IllegalArgumentException("chunk of " + info.name() + " at " + offset + "+" + length
                        + " does not continue at " + partial.offsets[file] + " within " + info.sizeBytes() + " bytes");
            }
            ByteBuffer data = chunk.getData().asReadOnlyByteBuffer();
            crc.reset();
            crc.update(data.duplicate());
            if ((int) crc.getValue() != chunk.getCrc32C()) {
                fail(true, "checksum mismatch in " + info.name() + " at offset " + offset);
                return;
            }
            FileChannel channel = channelFor(file, offset);
            while (data.hasRemaining()) {
                channel.write(data);
            }
            partial.offsets[file] = offset + length;
            metrics.snapshotBytesReceived.add(length);
        }

        private FileChannel channelFor(int file, long offset) throws IOException {
            if (openFile != file) {
                closeChannel();
                Path path = partial.writer.directory().resolve(partial.files.get(file).name());
                openChannel = FileChannel.open(path, StandardOpenOption.WRITE);
                openChannel.truncate(offset); // drop any bytes past the verified offset
                openFile = file;
            }
            openChannel.position(offset);
            return openChannel;
        }

        private void done() throws IOException {
            if (partial == null || !owns(partial, this)) {
                throw new IllegalArgumentException("done without a snapshot header (or superseded)");
            }
            for (int i = 0; i < partial.files.size(); i++) {
                if (partial.offsets[i] != partial.files.get(i).sizeBytes()) {
                    throw new IllegalArgumentException("file " + partial.files.get(i).name() + " ended at "
                            + partial.offsets[i] + " of " + partial.files.get(i).sizeBytes() + " bytes");
                }
            }
            closeChannel();
            partial.writer.commit();
            finished(partial);
            end();
            metrics.snapshotsReceived.increment();
            metrics.messagesReceived.increment();
            inbound.receive(List.of(partial.message));
            replies.onNext(SnapshotReply.newBuilder().setResult(SnapshotResult.newBuilder().setOk(true)).build());
            replies.onCompleted();
        }

        /** Ends the call with a failed result; {@code discard} drops the partial files too. */
        private void fail(boolean discard, String error) {
            end();
            closeChannelQuietly();
            if (partial != null) {
                release(partial, this, discard);
            }
            replies.onNext(SnapshotReply.newBuilder()
                    .setResult(SnapshotResult.newBuilder().setOk(false).setError(error)).build());
            replies.onCompleted();
        }

        private void end() {
            ended = true;
            if (counted) {
                counted = false;
                metrics.snapshotsReceiving.decrement();
            }
        }

        private void closeChannel() throws IOException {
            if (openChannel != null) {
                FileChannel c = openChannel;
                openChannel = null;
                openFile = -1;
                c.close();
            }
        }

        private void closeChannelQuietly() {
            try {
                closeChannel();
            } catch (IOException e) {
                // Already failing; the partial transfer restarts from its verified offsets.
            }
        }

        @Override
        public void onError(Throwable t) {
            // The sender went away mid-transfer: keep what was verified, for a resumed transfer.
            end();
            closeChannelQuietly();
            if (partial != null) {
                release(partial, this, false);
            }
        }

        @Override
        public void onCompleted() {
            if (!ended) {
                fail(false, "snapshot call half-closed before done");
            }
        }
    }
}
