package io.ostraka.log;

import io.ostraka.log.segment.RecordFormat;
import io.ostraka.log.segment.RecordType;
import io.ostraka.log.segment.Segment;
import io.ostraka.log.segment.SegmentHeader;
import io.ostraka.raft.Invariants;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Writes the engine's records, doing group commit: all writes are durable in the order they were
 * submitted, each batch with one positional write and one {@code fdatasync}.
 *
 * <p>Two ways in. {@link #submit} queues a write and wakes the engine's writer thread, which
 * takes everything queued (up to {@code writeBytesMax}), writes it, applies the records to the
 * groups' indexes and completes the futures on the completion executor; whatever arrives while an
 * fsync is in flight goes into the next write, so the batch size adapts to the load without any
 * timer. {@link #stage} queues a write without waking anyone: the caller promises to call
 * {@link #writeQueued} soon, which writes everything queued (staged or not) on the caller's
 * thread and completes the staged futures there. A Raft runtime stages every group's Ready
 * during a loop iteration and writes them at its end: one fsync for the iteration and no thread
 * hand-off on the path from a message to its durable answer (each hand-off to a parked thread
 * costs some 20 µs on a small virtual machine, and the writer path had three). Both paths take
 * the same I/O lock and drain the same queue, so submission order is write order.
 *
 * <p>Every write gets a sequence number stamped into its records, and its last record is flagged
 * (see {@link RecordFormat}) so recovery can tell a torn last write from older damage. When the
 * active segment cannot hold the next record, the writer appends a SEAL record, fsyncs, and
 * switches to a preallocated spare ({@link SegmentSet#roll()}); the rest of the batch goes there
 * under a new sequence number. Purging old segments happens on the writer thread only.
 *
 * <p>Failure: any I/O error (disk full, EIO, failed fsync) fails the batch in hand and every
 * later write with {@link LogEngineFailedException}. Nothing is retried — after a failed fsync
 * the page cache state is unknown — and nothing not fsynced is ever acknowledged.
 */
final class LogWriter implements Runnable {
    static final int SEAL_BYTES = RecordFormat.HEADER_BYTES;

    private final LogEngineConfig config;
    private final SegmentSet segments;
    private final Executor completions;
    private final Purger purger;
    /** Guards the queue and the writer thread's wake-up flags. */
    private final ReentrantLock queueLock = new ReentrantLock();
    private final Condition wakeUp = queueLock.newCondition();
    private final ArrayDeque<PendingWrite> queue = new ArrayDeque<>();
    private boolean wakeRequested = true; // a first round at start: purge what recovery left
    private boolean closeRequested;
    /** Held while writing: orders writes, and guards the buffer and the sequence number. */
    private final ReentrantLock io = new ReentrantLock();
    private final AtomicLong fsyncs = new AtomicLong();
    private final AtomicLong writesAcknowledged = new AtomicLong();
    private volatile Throwable failure;
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

    /** Queues {@code write} for the writer thread. */
    void submit(PendingWrite write) {
        enqueue(write, true);
    }

    /** Queues {@code write} without waking the writer thread; the caller calls {@link #writeQueued} next. */
    void stage(PendingWrite write) {
        write.staged = true;
        enqueue(write, false);
    }

    private void enqueue(PendingWrite write, boolean wake) {
        Throwable failed = failure;
        if (failed != null) {
            write.future.completeExceptionally(failedException(failed));
            return;
        }
        queueLock.lock();
        try {
            if (closeRequested) {
                write.future.completeExceptionally(new LogEngineFailedException("log engine is closed", null));
                return;
            }
            queue.add(write);
            if (wake) {
                wakeRequested = true;
                wakeUp.signal();
            }
        } finally {
            queueLock.unlock();
        }
    }

    /**
     * Writes everything queued, on the calling thread, and completes the futures of the writes
     * that were staged here (others complete on the completion executor, as always). Returns at
     * once when the queue is empty — when the writer thread or another caller got there first.
     */
    void writeQueued() {
        io.lock();
        try {
            List<PendingWrite> batch = drain(Long.MAX_VALUE);
            if (!batch.isEmpty()) {
                process(batch, true);
            }
        } finally {
            io.unlock();
        }
        if (purger.wanted()) {
            wakeWriter(); // purging deletes files and may relocate groups: not on a caller's thread
        }
    }

    private void wakeWriter() {
        queueLock.lock();
        try {
            wakeRequested = true;
            wakeUp.signal();
        } finally {
            queueLock.unlock();
        }
    }

    void requestClose() {
        queueLock.lock();
        try {
            closeRequested = true;
            wakeUp.signal();
        } finally {
            queueLock.unlock();
        }
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
        while (true) {
            boolean closing = awaitWork();
            io.lock();
            try {
                List<PendingWrite> batch;
                while (!(batch = drain(config.writeBytesMax())).isEmpty()) {
                    process(batch, false);
                    if (!closing) {
                        break; // what arrived meanwhile waits for the next wake-up or a caller
                    }
                }
                if (failure == null) {
                    try {
                        purger.maybePurge(this);
                    } catch (IOException | RuntimeException e) {
                        failure = e;
                    }
                }
                if (closing) {
                    failQueued();
                    return;
                }
            } finally {
                io.unlock();
            }
        }
    }

    /** Blocks until woken (a submit, a purge to do, a close); returns true when asked to close. */
    private boolean awaitWork() {
        queueLock.lock();
        try {
            while (!wakeRequested && !closeRequested) {
                wakeUp.awaitUninterruptibly();
            }
            wakeRequested = false;
            return closeRequested;
        } finally {
            queueLock.unlock();
        }
    }

    /**
     * Takes queued writes in order, at least one and then while they fit {@code bytesMax}.
     * Caller holds the I/O lock, so what it takes is written before anything queued later.
     */
    private List<PendingWrite> drain(long bytesMax) {
        queueLock.lock();
        try {
            List<PendingWrite> batch = new ArrayList<>();
            long bytes = 0;
            PendingWrite next;
            while ((next = queue.peek()) != null) {
                if (!batch.isEmpty() && bytes + next.sizeBytes() > bytesMax) {
                    if (!queue.isEmpty()) {
                        wakeRequested = true; // the rest is for the next round
                    }
                    break;
                }
                queue.poll();
                batch.add(next);
                bytes += next.sizeBytes();
            }
            return batch;
        } finally {
            queueLock.unlock();
        }
    }

    /**
     * Writes {@code batch} durably and completes its futures: staged writes on this thread when
     * {@code completeStagedHere}, everything else on the completion executor. Caller holds the
     * I/O lock.
     */
    private void process(List<PendingWrite> batch, boolean completeStagedHere) {
        if (failure != null) {
            failAll(batch, failure);
            return;
        }
        try {
            writeDurably(batch);
        } catch (IOException | RuntimeException e) {
            failure = e;
            failAll(batch, e);
            return;
        }
        writesAcknowledged.addAndGet(batch.size());
        List<PendingWrite> onExecutor = new ArrayList<>(batch.size());
        for (PendingWrite write : batch) {
            if (completeStagedHere && write.staged) {
                write.future.complete(null);
            } else {
                onExecutor.add(write);
            }
        }
        if (!onExecutor.isEmpty()) {
            completions.execute(() -> onExecutor.forEach(write -> write.future.complete(null)));
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

    /** After close: whatever is still queued fails instead of hanging. */
    private void failQueued() {
        List<PendingWrite> left = drain(Long.MAX_VALUE);
        LogEngineFailedException closedError = new LogEngineFailedException("log engine is closed", null);
        left.forEach(write -> write.future.completeExceptionally(closedError));
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
