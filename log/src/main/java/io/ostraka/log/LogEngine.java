package io.ostraka.log;

import io.ostraka.log.segment.Segment;
import io.ostraka.raft.Invariants;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.SortedSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The durable log of every Raft group a process hosts: one set of segment files, one writer
 * thread doing group commit, one in-memory index per group. See {@code docs/storage-format.md}
 * for the files and {@link LogWriter}, {@link Recovery}, {@link Purger} for how they are written,
 * read back and reclaimed.
 *
 * <p>Use from a Raft runtime, per group:
 * <pre>{@code
 * LogEngine engine = LogEngine.open(LogEngineConfig.defaults(dataDir));
 * GroupLog log = engine.group(groupId);            // a LogView (and LogStore) for RaftCore
 * RaftCore core = new RaftCore(config, log, random);
 * Ready ready = core.ready();
 * log.persist(ready).thenRunAsync(() -> {          // durable: now it is safe to send
 *     send(ready.messages()); apply(ready); core.advance(ready);
 * }, runtimeExecutor);                             // the thread that owns the core
 * }</pre>
 * (Plain {@code thenRun} would run on the engine's completion thread, which completes every
 * group's writes: keep callbacks there short and never touch a core from it.)
 *
 * <p>Threads owned: the writer ({@code ostraka-log-writer}), the completion executor that
 * completes every write future ({@code ostraka-log-completion}; never the common pool, so a
 * caller's continuation cannot stall the writer), and the segment preallocator.
 */
public final class LogEngine implements AutoCloseable {
    private final LogEngineConfig config;
    private final SegmentSet segments;
    private final Map<Long, GroupLog> groups = new ConcurrentHashMap<>();
    private final ExecutorService completions;
    private final Purger purger;
    private final LogWriter writer;
    private final Thread writerThread;
    private final SnapshotStore snapshots;
    private final List<String> repairs;

    private LogEngine(LogEngineConfig config, Recovery.Result recovered) throws IOException {
        this.config = config;
        this.segments = new SegmentSet(config, recovered.segments());
        this.repairs = recovered.repairs();
        if (recovered.lastSealed() || segments.active() == null) {
            segments.roll();
        }
        for (Map.Entry<Long, GroupIndex> entry : recovered.groups().entrySet()) {
            groups.put(entry.getKey(), new GroupLog(entry.getKey(), this, entry.getValue()));
        }
        this.completions = Executors.newSingleThreadExecutor(runnable -> daemon(runnable, "ostraka-log-completion"));
        this.purger = new Purger(this);
        this.writer = new LogWriter(config, segments, completions, purger, recovered.nextWriteSeq());
        this.writerThread = daemon(writer, "ostraka-log-writer");
        this.snapshots = new SnapshotStore(config.snapshotDirectory(), config.fileIo(), config.snapshotsRetained());
        writerThread.start();
    }

    /** Opens (creating if needed) the engine in {@code config.directory()}, recovering what is there. */
    public static LogEngine open(LogEngineConfig config) throws IOException {
        config.fileIo().createDirectoriesDurably(config.segmentDirectory());
        Recovery.Result recovered = Recovery.run(config);
        try {
            return new LogEngine(config, recovered);
        } catch (IOException | RuntimeException e) {
            recovered.segments().values().forEach(segment -> closeQuietly(segment));
            throw e;
        }
    }

    private static void closeQuietly(Segment segment) {
        try {
            segment.close();
        } catch (IOException ignored) {
            // Already failing to open; the original error is the one to report.
        }
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    /** The log of one group, created empty on first use. */
    public GroupLog group(long groupId) {
        Invariants.check(groupId > 0, "group id %d is not positive", groupId);
        return groups.computeIfAbsent(groupId, id -> new GroupLog(id, this, new GroupIndex()));
    }

    /** Groups with state in this engine, sorted. */
    public SortedSet<Long> groupIds() {
        return new TreeSet<>(groups.keySet());
    }

    public SnapshotStore snapshots() {
        return snapshots;
    }

    /** What recovery repaired at open (torn tails truncated), one line each. */
    public List<String> recoveryRepairs() {
        return repairs;
    }

    /** The I/O error that stopped the engine, or null while it is healthy. */
    public Throwable failure() {
        return writer.failure();
    }

    public long fsyncCount() {
        return writer.fsyncCount();
    }

    /**
     * Bytes of records (all groups, headers included) in the segment files currently kept: what
     * the log holds, as opposed to {@link #segmentFileBytes()}, the disk space it takes.
     */
    public long logBytes() {
        long bytes = 0;
        for (Segment segment : segments.snapshotList()) {
            bytes += segment.writePositionBytes();
        }
        return bytes;
    }

    /** Size of the segment files currently kept (they are preallocated, so mostly full size). */
    public long segmentFileBytes() {
        long bytes = 0;
        for (Segment segment : segments.snapshotList()) {
            bytes += segment.capacityBytes;
        }
        return bytes;
    }

    /** Ids of the segment files currently kept, oldest first. */
    public List<Long> segmentIds() {
        List<Long> ids = new ArrayList<>();
        segments.snapshotList().forEach(segment -> ids.add(segment.id));
        return ids;
    }

    /** The last group found too large to relocate out of an old segment, or -1. */
    public long pinnedByGroup() {
        return purger.pinnedByGroup();
    }

    /** Groups rewritten forward (CHECKPOINT records) so that old segments could be purged. */
    public long checkpointsWritten() {
        return purger.checkpointsWritten();
    }

    /** Each group's share of the engine-wide entry cache. */
    long cacheBytesPerGroup() {
        return config.cacheBytesMax() / Math.max(1, groups.size());
    }

    LogEngineConfig config() {
        return config;
    }

    SegmentSet segments() {
        return segments;
    }

    Purger purger() {
        return purger;
    }

    Collection<GroupLog> groupLogs() {
        return groups.values();
    }

    void checkRecordFits(long groupId, long payloadBytes) {
        long recordBytes = io.ostraka.log.segment.RecordFormat.HEADER_BYTES + payloadBytes;
        if (!LogWriter.fits(recordBytes, config.segmentBytesMax())) {
            throw new IllegalArgumentException("group " + groupId + ": a write of " + recordBytes
                    + " bytes cannot fit a segment of " + config.segmentBytesMax() + " bytes");
        }
    }

    CompletableFuture<Void> submit(List<PendingWrite.Record> records, boolean staged) {
        if (records.isEmpty()) {
            Throwable failed = writer.failure();
            return failed == null ? CompletableFuture.completedFuture(null)
                    : CompletableFuture.failedFuture(new LogEngineFailedException("log engine stopped: " + failed, failed));
        }
        PendingWrite write = new PendingWrite(records);
        if (staged) {
            writer.stage(write);
        } else {
            writer.submit(write);
        }
        return write.future;
    }

    CompletableFuture<Void> submit(List<PendingWrite.Record> records) {
        return submit(records, false);
    }

    /**
     * Writes out, on the calling thread, every write queued so far — the ones staged with
     * {@link GroupLog#stage} (whose futures complete here, before this returns) and any others.
     * Returns at once when nothing is queued.
     */
    public void writeStaged() {
        writer.writeQueued();
    }

    /** Writes out everything queued, then stops the threads and closes the files. */
    @Override
    public void close() throws IOException {
        writer.requestClose();
        try {
            writerThread.join();
            completions.shutdown();
            completions.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while closing the log engine in " + config.directory());
        }
        segments.close();
    }
}
