package io.ostraka.log;

import io.ostraka.log.segment.FileIo;
import io.ostraka.log.segment.NioFileIo;
import io.ostraka.log.segment.SegmentHeader;
import io.ostraka.raft.Invariants;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Settings of one {@link LogEngine}. Start from {@link #defaults(Path)} and change fields with
 * the {@code with…} methods.
 *
 * @param directory               root: segments in {@code segments/}, snapshots in {@code snapshots/}
 * @param segmentBytesMax         size of each preallocated segment file (default 64 MiB)
 * @param writeBytesMax           bytes gathered into one group-commit write before it is issued
 * @param cacheBytesMax           recent entries kept in memory, engine-wide (each group gets an equal share), counted by {@link io.ostraka.raft.Entry#sizeBytes()}
 * @param relocateBytesMax        most bytes rewritten forward (all groups pinning it together) to free one old segment
 * @param lagSegmentsMax          how many segments behind the active one a group may pin before it is rewritten forward
 * @param trailingEntries         entries kept behind a snapshot by {@link GroupLog#createSnapshot(io.ostraka.raft.SnapshotMetadata)}
 * @param snapshotsRetained       snapshots kept per group by the {@link SnapshotStore}
 * @param fileIo                  the file-system seam (tests inject faults here)
 * @param walObserver             told about every forced write, for metrics (default: {@link WalObserver#NONE})
 */
public record LogEngineConfig(
        Path directory,
        long segmentBytesMax,
        int writeBytesMax,
        long cacheBytesMax,
        long relocateBytesMax,
        int lagSegmentsMax,
        long trailingEntries,
        int snapshotsRetained,
        FileIo fileIo,
        WalObserver walObserver) {

    public static final long SEGMENT_BYTES_DEFAULT = 64L << 20;
    public static final long SEGMENT_BYTES_LIMIT = 1L << 30;

    public LogEngineConfig {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(fileIo, "fileIo");
        Objects.requireNonNull(walObserver, "walObserver");
        Invariants.check(segmentBytesMax >= 4096 && segmentBytesMax <= SEGMENT_BYTES_LIMIT && segmentBytesMax % 4096 == 0,
                "segmentBytesMax %d must be a multiple of 4096 in [4096, %d]", segmentBytesMax, SEGMENT_BYTES_LIMIT);
        Invariants.check(writeBytesMax >= 4096, "writeBytesMax %d below 4096", writeBytesMax);
        Invariants.check(cacheBytesMax >= 0 && trailingEntries >= 0 && lagSegmentsMax >= 1 && snapshotsRetained >= 1,
                "negative cache, trailing entries, lag or retention in %s", directory);
        Invariants.check(relocateBytesMax >= 0 && relocateBytesMax <= (segmentBytesMax - SegmentHeader.BYTES) / 4,
                "relocateBytesMax %d above a quarter of a segment", relocateBytesMax);
    }

    public static LogEngineConfig defaults(Path directory) {
        return new LogEngineConfig(directory, SEGMENT_BYTES_DEFAULT, 4 << 20, 256L << 20, 1L << 20, 2, 0, 2,
                NioFileIo.INSTANCE, WalObserver.NONE);
    }

    public LogEngineConfig withSegmentBytesMax(long bytes) {
        return new LogEngineConfig(directory, bytes, writeBytesMax, cacheBytesMax,
                Math.min(relocateBytesMax, (bytes - SegmentHeader.BYTES) / 4), lagSegmentsMax, trailingEntries,
                snapshotsRetained, fileIo, walObserver);
    }

    public LogEngineConfig withCacheBytesMax(long bytes) {
        return new LogEngineConfig(directory, segmentBytesMax, writeBytesMax, bytes, relocateBytesMax,
                lagSegmentsMax, trailingEntries, snapshotsRetained, fileIo, walObserver);
    }

    public LogEngineConfig withRelocation(long bytesMax, int lagSegments) {
        return new LogEngineConfig(directory, segmentBytesMax, writeBytesMax, cacheBytesMax, bytesMax,
                lagSegments, trailingEntries, snapshotsRetained, fileIo, walObserver);
    }

    public LogEngineConfig withTrailingEntries(long entries) {
        return new LogEngineConfig(directory, segmentBytesMax, writeBytesMax, cacheBytesMax,
                relocateBytesMax, lagSegmentsMax, entries, snapshotsRetained, fileIo, walObserver);
    }

    public LogEngineConfig withSnapshotsRetained(int snapshots) {
        return new LogEngineConfig(directory, segmentBytesMax, writeBytesMax, cacheBytesMax,
                relocateBytesMax, lagSegmentsMax, trailingEntries, snapshots, fileIo, walObserver);
    }

    public LogEngineConfig withFileIo(FileIo io) {
        return new LogEngineConfig(directory, segmentBytesMax, writeBytesMax, cacheBytesMax,
                relocateBytesMax, lagSegmentsMax, trailingEntries, snapshotsRetained, io, walObserver);
    }

    public LogEngineConfig withWalObserver(WalObserver observer) {
        return new LogEngineConfig(directory, segmentBytesMax, writeBytesMax, cacheBytesMax,
                relocateBytesMax, lagSegmentsMax, trailingEntries, snapshotsRetained, fileIo, observer);
    }

    public Path segmentDirectory() {
        return directory.resolve("segments");
    }

    public Path snapshotDirectory() {
        return directory.resolve("snapshots");
    }
}
