package io.ostraka.log;

import io.ostraka.log.segment.FileHandle;
import io.ostraka.log.segment.FileIo;
import io.ostraka.log.segment.RecordFormat;
import io.ostraka.log.segment.RecordFormat.Outcome;
import io.ostraka.log.segment.RecordFormat.RecordHeader;
import io.ostraka.log.segment.RecordType;
import io.ostraka.log.segment.Segment;
import io.ostraka.log.segment.SegmentFiles;
import io.ostraka.log.segment.SegmentHeader;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Rebuilds the engine's state from the segment files at startup.
 *
 * <p>Every segment is read whole and every record's CRC checked. A sealed segment must end with a
 * SEAL record followed by zeros; anything else in it is corruption of fsynced data and stops
 * startup ({@link LogCorruptionException} naming file, offset and group).
 *
 * <p>The last segment may end in a torn write: the writer issues one write and one fsync at a
 * time, so only the last write can be incomplete, and nothing in it was acknowledged. Recovery
 * finds the first record that is not valid (offset X) and decides whether the damage is confined
 * to that last write: every record carries the number of its write and the last record of each
 * write is flagged. If the record before X closed its write W, the damage starts write W+1;
 * otherwise it sits inside W. Any intact record past X from a <em>later</em> write proves that
 * the damaged write had completed its fsync — that is corruption, and startup stops. Otherwise
 * the tail is truncated: zeroed from X to the last non-zero byte and fsynced, so no stale record
 * can ever be read back as new.
 */
final class Recovery {
    private final FileIo fileIo;
    private final Path directory;
    private final TreeMap<Long, Segment> segments = new TreeMap<>();
    private final Replay replay = new Replay();
    private final List<String> repairs = new ArrayList<>();
    private long maxWriteSeq;
    private boolean lastSealed = true;

    private Recovery(LogEngineConfig config) {
        this.fileIo = config.fileIo();
        this.directory = config.segmentDirectory();
    }

    /** What recovery found; the segments are open and the last one is positioned for appends. */
    record Result(TreeMap<Long, Segment> segments, Map<Long, GroupIndex> groups, long nextWriteSeq,
                  boolean lastSealed, List<String> repairs) {}

    static Result run(LogEngineConfig config) throws IOException {
        Recovery recovery = new Recovery(config);
        try {
            recovery.scanAll();
        } catch (IOException | RuntimeException e) {
            for (Segment segment : recovery.segments.values()) {
                segment.close();
            }
            throw e;
        }
        recovery.replay.checkNoGaps();
        return new Result(recovery.segments, recovery.replay.groups, recovery.maxWriteSeq + 1,
                recovery.lastSealed, recovery.repairs);
    }

    private void scanAll() throws IOException {
        fileIo.createDirectoriesDurably(directory);
        List<Long> ids = new ArrayList<>();
        for (Path file : fileIo.list(directory)) {
            if (SegmentFiles.isTemporary(file)) {
                fileIo.delete(file);
            } else if (SegmentFiles.idOf(file) >= 0) {
                ids.add(SegmentFiles.idOf(file));
            }
        }
        for (int k = 1; k < ids.size(); k++) {
            if (ids.get(k) != ids.get(k - 1) + 1) {
                throw new LogCorruptionException(SegmentFiles.path(directory, ids.get(k - 1) + 1), 0, -1,
                        "segment file is missing between " + ids.get(k - 1) + " and " + ids.get(k));
            }
        }
        List<Segment> opened = new ArrayList<>();
        int sizeMax = 0;
        for (long id : ids) {
            Path path = SegmentFiles.path(directory, id);
            FileHandle handle = fileIo.open(path, false);
            long size = handle.size();
            Segment segment = new Segment(id, path, handle, size, SegmentHeader.BYTES);
            segments.put(segment.id, segment);
            opened.add(segment);
            if (size > LogEngineConfig.SEGMENT_BYTES_LIMIT) {
                throw new LogCorruptionException(path, 0, -1, "segment of " + size + " bytes exceeds the limit");
            }
            sizeMax = (int) Math.max(sizeMax, size);
        }
        scanInOrder(opened, sizeMax);
    }

    /**
     * Scans the segments oldest first while a helper thread reads the next one into the other of
     * two buffers: reading (a copy from the page cache, or disk I/O) overlaps CRC checking and
     * index rebuilding.
     */
    private void scanInOrder(List<Segment> opened, int sizeMax) throws IOException {
        if (opened.isEmpty()) {
            return;
        }
        ByteBuffer[] buffers = {ByteBuffer.allocateDirect(sizeMax), opened.size() > 1 ? ByteBuffer.allocateDirect(sizeMax) : null};
        ExecutorService reader = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "ostraka-log-recovery-reader");
            thread.setDaemon(true);
            return thread;
        });
        try {
            Future<ByteBuffer> next = reader.submit(() -> readWhole(opened.get(0), buffers[0]));
            for (int k = 0; k < opened.size(); k++) {
                ByteBuffer current = await(next, opened.get(k));
                if (k + 1 < opened.size()) {
                    Segment following = opened.get(k + 1);
                    ByteBuffer target = buffers[(k + 1) % 2];
                    next = reader.submit(() -> readWhole(following, target));
                }
                Segment segment = opened.get(k);
                scanSegment(segment, current, (int) segment.capacityBytes, k == opened.size() - 1);
            }
        } finally {
            reader.shutdownNow();
        }
    }

    private static ByteBuffer readWhole(Segment segment, ByteBuffer buffer) throws IOException {
        buffer.clear().limit((int) segment.capacityBytes);
        segment.handle.read(buffer, 0);
        return buffer;
    }

    private static ByteBuffer await(Future<ByteBuffer> read, Segment segment) throws IOException {
        try {
            return read.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading " + segment.path);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException("reading " + segment.path, e.getCause());
        }
    }

    private void scanSegment(Segment segment, ByteBuffer buffer, int size, boolean last) throws IOException {
        long id = SegmentHeader.verify(buffer, size, segment.path);
        if (id != segment.id) {
            throw new LogCorruptionException(segment.path, 16, -1, "header names segment " + id);
        }
        RecordHeader header = new RecordHeader();
        int[] offsets = new int[1024];
        int count = 0;
        int offset = SegmentHeader.BYTES;
        int writeStart = offset;
        long lastSeq = maxWriteSeq;
        boolean lastClosedWrite = true;
        boolean sealed = false;
        Outcome outcome;
        while ((outcome = RecordFormat.parse(buffer, offset, size, header)) == Outcome.VALID) {
            if (sealed) {
                throw new LogCorruptionException(segment.path, offset, header.groupId, "record after the seal");
            }
            if (count == offsets.length) {
                offsets = java.util.Arrays.copyOf(offsets, count * 2);
            }
            offsets[count++] = offset;
            writeStart = lastClosedWrite ? offset : writeStart;
            lastSeq = header.writeSeq;
            lastClosedWrite = header.lastInWrite();
            maxWriteSeq = Math.max(maxWriteSeq, header.writeSeq);
            sealed = header.type == RecordType.SEAL;
            offset = header.endOffset();
        }
        if (!last) {
            if (outcome == Outcome.DAMAGED) {
                throw new LogCorruptionException(segment.path, offset, header.groupId, "damaged record in a sealed segment");
            }
            if (!sealed) {
                throw new LogCorruptionException(segment.path, offset, -1, "segment is not the last but has no seal record");
            }
            replayPrefix(segment, buffer, offsets, count, offset);
            return;
        }
        // The write in flight at a crash was never acknowledged, so a write whose closing record
        // is missing is dropped whole: the log then ends with a closed write, and the next
        // write's sequence number can be told apart from it.
        int truncateAt = lastClosedWrite ? offset : writeStart;
        long damagedWrite = lastClosedWrite ? lastSeq + 1 : lastSeq;
        truncateTail(segment, buffer, size, offset, truncateAt, damagedWrite, outcome, header.groupId);
        replayPrefix(segment, buffer, offsets, count, truncateAt);
        lastSealed = sealed && truncateAt == offset;
        segment.advance(truncateAt - SegmentHeader.BYTES);
    }

    private void replayPrefix(Segment segment, ByteBuffer buffer, int[] offsets, int count, int endOffset) {
        RecordHeader header = new RecordHeader();
        for (int k = 0; k < count && offsets[k] < endOffset; k++) {
            RecordFormat.readVerifiedHeader(buffer, offsets[k], header);
            replay.apply(segment, buffer, header);
        }
    }

    private void truncateTail(Segment segment, ByteBuffer buffer, int size, int damagedAt, int truncateAt,
                              long damagedWrite, Outcome outcome, long groupAtDamage) throws IOException {
        int lastNonZero = size - 1;
        while (lastNonZero >= damagedAt && buffer.get(lastNonZero) == 0) {
            lastNonZero--;
        }
        RecordHeader later = new RecordHeader();
        for (int at = damagedAt + 1; at <= lastNonZero; at++) {
            if (at + RecordFormat.HEADER_BYTES <= size && buffer.getShort(at + 4) == RecordFormat.MAGIC
                    && RecordFormat.parse(buffer, at, size, later) == Outcome.VALID && later.writeSeq > damagedWrite) {
                throw new LogCorruptionException(segment.path, damagedAt, outcome == Outcome.DAMAGED ? groupAtDamage : -1,
                        "damaged record, but an intact record of a later write (seq " + later.writeSeq + ", group "
                                + later.groupId + ") follows at offset " + at + ": acknowledged data may be lost");
            }
        }
        int end = Math.max(damagedAt, lastNonZero + 1);
        if (end == truncateAt) {
            return;
        }
        segment.handle.writeFully(ByteBuffer.allocate(end - truncateAt), truncateAt);
        segment.handle.force();
        repairs.add("truncated torn tail of " + segment.path + " at offset " + truncateAt + " ("
                + (end - truncateAt) + " bytes zeroed)");
    }

    /** Applies valid records to per-group indexes, tolerating gaps left by purged segments. */
    static final class Replay {
        final Map<Long, GroupIndex> groups = new HashMap<>();
        private final Map<Long, Gap> gaps = new HashMap<>();

        private record Gap(Path file, long offsetBytes) {}

        void apply(Segment segment, ByteBuffer buffer, RecordHeader header) {
            if (header.type == RecordType.SEAL) {
                return;
            }
            GroupIndex index = groups.computeIfAbsent(header.groupId, g -> new GroupIndex());
            ByteBuffer payload = buffer.duplicate().limit(header.endOffset()).position(header.payloadOffset()).slice();
            long location = Locations.of(segment.id, header.offset);
            RecordApplier.apply(index, header.type, payload, location, null);
            if (index.compactTerm() == GroupIndex.TERM_UNKNOWN) {
                gaps.putIfAbsent(header.groupId, new Gap(segment.path, header.offset));
            } else {
                gaps.remove(header.groupId);
            }
        }

        void checkNoGaps() {
            for (Map.Entry<Long, Gap> gap : new TreeMap<>(gaps).entrySet()) {
                GroupIndex index = groups.get(gap.getKey());
                throw new LogCorruptionException(gap.getValue().file(), gap.getValue().offsetBytes(), gap.getKey(),
                        "entries start at index " + index.firstIndex() + " but the records before them are missing");
            }
        }
    }
}
