package io.ostraka.log;

import io.ostraka.log.segment.RecordFormat;
import io.ostraka.log.segment.RecordType;
import io.ostraka.log.segment.Segment;
import io.ostraka.log.segment.SegmentHeader;
import io.ostraka.raft.Invariants;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine's single writer thread, doing group commit.
 *
 * <p>Callers enqueue {@link PendingWrite}s. The writer takes everything queued (up to
 * {@code writeBytesMax}), frames it into one buffer, issues one positional write and one
 * {@code fdatasync}, applies the records to the groups' indexes and completes the futures on the
 * completion executor. Whatever arrives while an fsync is in flight waits in the queue and goes
 * into the next write: the batch size adapts to the load without any timer.
 *
 * <p>Every write gets a sequence number stamped into its records, and its last record is flagged
 * (see {@link RecordFormat}) so recovery can tell a torn last write from older damage. When the
 * active segment cannot hold the next record, the writer appends a SEAL record, fsyncs, and
 * switches to a preallocated spare ({@link SegmentSet#roll()}); the rest of the batch goes there
 * under a new sequence number.
 *
 * <p>Failure: any I/O error (disk full, EIO, failed fsync) fails the batch in hand and every
 * later write with {@link LogEngineFailedException}. Nothing is retried — after a failed fsync
 * the page cache state is unknown — and nothing not fsynced is ever acknowledged.
 */
final class LogWriter implements Runnable {
    private static final PendingWrite CLOSE = new PendingWrite(List.of());
    static final int SEAL_BYTES = RecordFormat.HEADER_BYTES;

    private final LogEngineConfig config;
    private final SegmentSet segments;
    private final Executor completions;
    private final Purger purger;
    private final LinkedBlockingQueue<PendingWrite> queue = new LinkedBlockingQueue<>();
    private final AtomicLong fsyncs = new AtomicLong();
    private final AtomicLong writesAcknowledged = new AtomicLong();
    private volatile Throwable failure;
    private volatile boolean closed;
    private long nextWriteSeq;
    private ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);

    LogWriter(LogEngineConfig config, SegmentSet segments, Executor completions, Purger purger, long nextWriteSeq) {
        this.config = config;
        this.segments = segments;
        this.completions = completions;
        this.purger = purger;
        this.nextWriteSeq = nextWriteSeq;
    }

    /** True when a record of {@code recordBytes} fits an empty segment of {@code segmentBytes}. */
    static boolean fits(long recordBytes, long segmentBytes) {
        return SegmentHeader.BYTES + recordBytes + SEAL_BYTES <= segmentBytes;
    }

    void submit(PendingWrite write) {
        Throwable failed = failure;
        if (failed != null) {
            write.future.completeExceptionally(failedException(failed));
            return;
        }
        queue.add(write);
        if (closed) {
            failQueued();
        }
    }

    void requestClose() {
        queue.add(CLOSE);
    }

    Throwable failure() {
        return failure;
    }

    long fsyncCount() {
        return fsyncs.get();
    }

    long writesAcknowledged() {
        return writesAcknowledged.get();
    }

    @Override
    public void run() {
        List<PendingWrite> batch = new ArrayList<>();
        while (true) {
            batch.clear();
            boolean closing = gather(batch);
            if (!batch.isEmpty()) {
                process(batch);
            }
            if (closing) {
                closed = true;
                failQueued();
                return;
            }
        }
    }

    /** Blocks for one write, then takes what else is queued; returns true when asked to close. */
    private boolean gather(List<PendingWrite> batch) {
        PendingWrite first;
        try {
            first = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
        if (first == CLOSE) {
            return true;
        }
        batch.add(first);
        long bytes = first.sizeBytes();
        PendingWrite next;
        while (bytes < config.writeBytesMax() && (next = queue.peek()) != null) {
            if (next == CLOSE || bytes + next.sizeBytes() > config.writeBytesMax()) {
                break;
            }
            queue.poll();
            batch.add(next);
            bytes += next.sizeBytes();
        }
        return false;
    }

    private void process(List<PendingWrite> batch) {
        if (failure != null) {
            failAll(batch, failure);
            return;
        }
        try {
            writeDurably(batch);
            List<PendingWrite> done = List.copyOf(batch);
            writesAcknowledged.addAndGet(done.size());
            completions.execute(() -> done.forEach(write -> write.future.complete(null)));
            purger.maybePurge(this);
        } catch (IOException | RuntimeException e) {
            failure = e;
            failAll(batch, e);
        }
    }

    /** Writes, fsyncs and applies the records of {@code batch}; used for purge checkpoints too. */
    void writeDurably(List<PendingWrite> batch) throws IOException {
        Segment segment = segments.active();
        long seq = nextWriteSeq++;
        buffer.clear();
        int lastStart = -1;
        int records = 0;
        boolean rolled = false;
        for (PendingWrite write : batch) {
            for (PendingWrite.Record record : write.records) {
                int size = record.sizeBytes();
                if (segment.writePositionBytes() + buffer.position() + size + SEAL_BYTES > segment.capacityBytes) {
                    lastStart = put(RecordType.SEAL, 0, new byte[0], seq, segment);
                    flush(segment, lastStart, records);
                    segment = segments.roll();
                    rolled = true;
                    seq = nextWriteSeq++;
                    buffer.clear();
                    records = 0;
                }
                record.location = Locations.of(segment.id, segment.writePositionBytes() + buffer.position());
                lastStart = put(record.type, record.group.groupId(), record.payload, seq, segment);
                records++;
            }
        }
        flush(segment, lastStart, records);
        segments.maybePrepareSpare();
        for (PendingWrite write : batch) {
            for (PendingWrite.Record record : write.records) {
                record.group.applyDurable(record);
            }
        }
        if (rolled) {
            purger.requestPurge();
        }
    }

    private int put(RecordType type, long groupId, byte[] payload, long seq, Segment segment) {
        int size = RecordFormat.HEADER_BYTES + payload.length;
        Invariants.check(fits(size, segment.capacityBytes),
                "record of %d bytes can never fit a segment of %d", size, segment.capacityBytes);
        if (buffer.remaining() < size) {
            ByteBuffer larger = ByteBuffer.allocateDirect(Math.max(buffer.capacity() * 2, buffer.position() + size));
            buffer.flip();
            larger.put(buffer);
            buffer = larger;
        }
        int start = buffer.position();
        RecordFormat.write(buffer, type, false, seq, groupId, payload);
        return start;
    }

    /**
     * Flags the write's last record, writes the buffer at the segment's end and fsyncs;
     * {@code records} counts the records in it (not the seal), for the {@link WalObserver}.
     */
    private void flush(Segment segment, int lastStart, int records) throws IOException {
        if (lastStart < 0) {
            return;
        }
        int end = lastStart + RecordFormat.HEADER_BYTES + buffer.getInt(lastStart + 8);
        buffer.put(lastStart + 7, (byte) (buffer.get(lastStart + 7) | RecordFormat.FLAG_LAST_IN_WRITE));
        buffer.putInt(lastStart, RecordFormat.crc(buffer, lastStart + 4, end));
        buffer.flip();
        int bytes = buffer.remaining();
        segment.handle.writeFully(buffer, segment.writePositionBytes());
        config.walObserver().syncStarted(records, bytes);
        segment.handle.force();
        config.walObserver().syncFinished(records, bytes);
        fsyncs.incrementAndGet();
        segment.advance(bytes);
    }

    /** After close: whatever is still queued (or queued concurrently) fails instead of hanging. */
    private void failQueued() {
        PendingWrite write;
        while ((write = queue.poll()) != null) {
            if (write != CLOSE) {
                write.future.completeExceptionally(new LogEngineFailedException("log engine is closed", null));
            }
        }
    }

    private void failAll(List<PendingWrite> batch, Throwable cause) {
        LogEngineFailedException error = failedException(cause);
        List<PendingWrite> failed = List.copyOf(batch);
        completions.execute(() -> failed.forEach(write -> write.future.completeExceptionally(error)));
    }

    private static LogEngineFailedException failedException(Throwable cause) {
        return new LogEngineFailedException("log engine stopped after an I/O error: " + cause, cause);
    }
}
