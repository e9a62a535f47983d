package io.ostraka.server;

import io.ostraka.log.LogEngine;
import io.ostraka.log.SnapshotManifest;
import io.ostraka.log.SnapshotStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * How much a node stores, for {@code /status} and {@code /metrics}: the Raft log (records in the
 * log engine's kept segments), the state machine's files (RocksDB; nothing for in-memory
 * storage) and the latest snapshot of a group. Read from other threads than the ones writing, so
 * every figure is a moment's estimate: files may appear and vanish (compactions, snapshot
 * pruning) while they are counted.
 */
public final class NodeStorage {
    private final LogEngine engine;
    private final Path kvDirectory;

    /** {@code kvDirectory} null: the state machine keeps nothing on disk. */
    public NodeStorage(LogEngine engine, Path kvDirectory) {
        this.engine = engine;
        this.kvDirectory = kvDirectory;
    }

    /** The latest snapshot of a group that is stored here: its index, term and size. */
    public record Snapshot(long index, long term, long sizeBytes) {}

    /** Bytes of records in the log's kept segments (every group shares the one log). */
    public long logBytes() {
        return engine.logBytes();
    }

    /** Size of the log's segment files on disk (preallocated, so larger than {@link #logBytes}). */
    public long logFileBytes() {
        return engine.segmentFileBytes();
    }

    /** Size of the state machine's files; 0 for in-memory storage. */
    public long kvBytes() {
        return kvDirectory == null ? 0 : directoryBytes(kvDirectory);
    }

    /** The newest snapshot of {@code groupId} on disk, if any (its size from its manifest). */
    public Optional<Snapshot> latestSnapshot(long groupId) {
        SnapshotStore store = engine.snapshots();
        try {
            return store.latest(groupId).map(s -> new Snapshot(s.metadata().index(), s.metadata().term(), size(s.manifest())));
        } catch (NoSuchFileException e) {
            return Optional.empty(); // pruned while we looked: a newer one exists, the next look finds it
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long size(SnapshotManifest manifest) {
        long bytes = 0;
        for (SnapshotManifest.FileEntry file : manifest.files()) {
            bytes += file.sizeBytes();
        }
        return bytes;
    }

    /** Sum of the sizes of the regular files under {@code directory}; files that vanish midway are skipped. */
    static long directoryBytes(Path directory) {
        if (!Files.isDirectory(directory)) {
            return 0;
        }
        long[] bytes = {0};
        try (Stream<Path> walk = Files.walk(directory)) {
            walk.forEach(p -> bytes[0] += sizeOrZero(p));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot measure " + directory, e);
        } catch (UncheckedIOException e) {
            if (!(e.getCause() instanceof NoSuchFileException)) {
                throw e;
            }
            // A subdirectory vanished during the walk (RocksDB deletes obsolete files): a partial count.
        }
        return bytes[0];
    }

    private static long sizeOrZero(Path p) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(p, BasicFileAttributes.class);
            return attributes.isRegularFile() ? attributes.size() : 0;
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
