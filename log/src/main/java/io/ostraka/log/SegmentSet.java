package io.ostraka.log;

import io.ostraka.log.segment.FileHandle;
import io.ostraka.log.segment.FileIo;
import io.ostraka.log.segment.Payloads;
import io.ostraka.log.segment.RecordFormat;
import io.ostraka.log.segment.RecordType;
import io.ostraka.log.segment.Segment;
import io.ostraka.log.segment.SegmentFiles;
import io.ostraka.log.segment.SegmentHeader;
import io.ostraka.raft.Invariants;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The open segments, oldest first. Readers (any thread) read records under the read lock; the
 * writer thread rolls and deletes segments under the write lock, so a segment is never closed
 * under a reader's feet.
 */
final class SegmentSet implements AutoCloseable {
    private final FileIo fileIo;
    private final Path directory;
    private final SegmentAllocator allocator;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final TreeMap<Long, Segment> segments;
    private volatile Segment active;

    SegmentSet(LogEngineConfig config, TreeMap<Long, Segment> recovered) {
        this.fileIo = config.fileIo();
        this.directory = config.segmentDirectory();
        this.allocator = new SegmentAllocator(fileIo, directory, config.segmentBytesMax());
        this.segments = recovered;
        this.active = recovered.isEmpty() ? null : recovered.lastEntry().getValue();
    }

    Segment active() {
        return active;
    }

    /** Makes a fresh, preallocated segment the active one; the caller sealed the previous. */
    Segment roll() throws IOException {
        long id = active == null ? 1 : active.id + 1;
        Path spare = allocator.take();
        FileHandle handle = fileIo.open(spare, false);
        try {
            handle.writeFully(SegmentHeader.encode(id), 0);
            handle.force();
            Path path = SegmentFiles.path(directory, id);
            fileIo.rename(spare, path);
            fileIo.forceDirectory(directory);
            Segment segment = new Segment(id, path, handle, handle.size(), SegmentHeader.BYTES);
            lock.writeLock().lock();
            try {
                segments.put(id, segment);
                active = segment;
            } finally {
                lock.writeLock().unlock();
            }
            return segment;
        } catch (IOException | RuntimeException e) {
            handle.close();
            throw e;
        }
    }

    /**
     * Starts preparing the next spare once the active segment is half full: early enough that a
     * roll never waits for it under steady load, late enough that an idle engine writes nothing.
     */
    void maybePrepareSpare() {
        Segment current = active;
        if (current != null && current.writePositionBytes() * 2 > current.capacityBytes) {
            allocator.prepare();
        }
    }

    /** Reads and verifies the entry-carrying record at {@code location}; returns its entry block. */
    ByteBuffer readEntryBlock(long location, long groupId) {
        lock.readLock().lock();
        try {
            long id = Locations.segmentId(location);
            long offset = Locations.offsetBytes(location);
            Segment segment = segments.get(id);
            Invariants.check(segment != null, "group %d: segment %d of location %d is gone", groupId, id, location);
            ByteBuffer header = ByteBuffer.allocate(RecordFormat.HEADER_BYTES);
            segment.handle.read(header, offset);
            int length = header.getInt(8);
            Invariants.check(length >= 0 && offset + RecordFormat.HEADER_BYTES + (long) length <= segment.capacityBytes,
                    "group %d: record at %s offset %d has length %d", groupId, segment.path, offset, length);
            ByteBuffer record = ByteBuffer.allocate(RecordFormat.HEADER_BYTES + length);
            segment.handle.read(record, offset);
            RecordFormat.RecordHeader parsed = new RecordFormat.RecordHeader();
            if (RecordFormat.parse(record, 0, record.capacity(), parsed) != RecordFormat.Outcome.VALID || parsed.groupId != groupId) {
                throw new LogCorruptionException(segment.path, offset, groupId, "record failed its checksum when read back");
            }
            ByteBuffer payload = record.position(RecordFormat.HEADER_BYTES).slice();
            if (parsed.type == RecordType.CHECKPOINT) {
                Invariants.check(Payloads.skipToCheckpointEntries(payload), "group %d: checkpoint at %d has no entries", groupId, offset);
                return payload.slice();
            }
            Invariants.check(parsed.type == RecordType.ENTRIES, "group %d: record at %d is %s", groupId, offset, parsed.type);
            return payload;
        } catch (IOException e) {
            throw new LogEngineFailedException("reading group " + groupId + " at location " + location, e);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Keeps segments from being deleted until {@link #unlockForRead()}; reentrant. */
    void lockForRead() {
        lock.readLock().lock();
    }

    void unlockForRead() {
        lock.readLock().unlock();
    }

    long oldestId() {
        lock.readLock().lock();
        try {
            return segments.firstKey();
        } finally {
            lock.readLock().unlock();
        }
    }

    List<Segment> snapshotList() {
        lock.readLock().lock();
        try {
            return new ArrayList<>(segments.values());
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Closes and deletes a sealed segment no group needs any more. */
    void delete(long id) throws IOException {
        Invariants.check(active == null || id != active.id, "deleting the active segment %d", id);
        Segment segment;
        lock.writeLock().lock();
        try {
            segment = segments.remove(id);
        } finally {
            lock.writeLock().unlock();
        }
        segment.close();
        fileIo.delete(segment.path);
        fileIo.forceDirectory(directory);
    }

    @Override
    public void close() throws IOException {
        allocator.close();
        lock.writeLock().lock();
        try {
            for (Segment segment : segments.values()) {
                segment.close();
            }
            segments.clear();
        } finally {
            lock.writeLock().unlock();
        }
    }
}
