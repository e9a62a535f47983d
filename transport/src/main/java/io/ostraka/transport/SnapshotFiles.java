package io.ostraka.transport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The snapshot store as the transport sees it: snapshots are directories of files, named by
 * (group, term, index). The sender lists a snapshot's files and reads them; the receiver writes
 * them into a fresh directory and commits it atomically, or aborts.
 *
 * <p>Deliberately the shape of the log module's {@code SnapshotStore} ({@code begin(groupId,
 * metadata)} returning a writer with {@code directory()}, {@code commit()}, {@code abort()};
 * {@code list(groupId)} returning stored snapshots), so the node runtime can adapt one to the
 * other in a few lines. {@link DirectorySnapshotFiles} is the stand-alone implementation.
 */
public interface SnapshotFiles {
    /** The committed snapshot (group, term, index), if this store holds it. */
    Optional<StoredSnapshot> find(long groupId, long term, long index) throws IOException;

    /** Every committed snapshot of the group, oldest first. */
    List<StoredSnapshot> list(long groupId) throws IOException;

    /** Opens one file of a committed snapshot for reading from its start. */
    InputStream open(StoredSnapshot snapshot, String fileName) throws IOException;

    /**
     * Starts receiving snapshot (group, term, index): an empty temporary directory, of this call
     * alone, that becomes the snapshot on {@link Writer#commit()}. Two attempts at the same
     * snapshot (two senders can hold one with the same term and index) must not disturb each
     * other; committing a snapshot the store already holds keeps the one it holds.
     */
    Writer begin(long groupId, long term, long index) throws IOException;

    /** A snapshot being written. Exactly one of commit and abort ends it. */
    interface Writer {
        /** Where to write the snapshot's files (relative names may contain '/'). */
        Path directory();

        /** Makes every file and the directory durable, then publishes the snapshot atomically. */
        StoredSnapshot commit() throws IOException;

        /** Deletes what was written; the store is as if begin was never called. */
        void abort();
    }

    /** One file of a snapshot: its '/'-separated name relative to the snapshot directory. */
    record SnapshotFile(String name, long sizeBytes) {
    }

    /** A committed snapshot and its files, sorted by name. */
    record StoredSnapshot(long groupId, long term, long index, Path directory, List<SnapshotFile> files) {
        public StoredSnapshot {
            files = List.copyOf(files);
        }

        public long totalBytes() {
            long total = 0;
            for (SnapshotFile f : files) {
                total += f.sizeBytes();
            }
            return total;
        }
    }

    /**
     * Checks that a file name received from a peer stays inside the snapshot directory: relative,
     * '/'-separated, no empty, "." or ".." segments.
     */
    static String checkFileName(String name) {
        if (name.isEmpty() || name.startsWith("/") || name.contains("\\") || name.contains("\0")) {
            throw new IllegalArgumentException("bad snapshot file name '" + name + "'");
        }
        for (String segment : name.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("bad snapshot file name '" + name + "'");
            }
        }
        return name;
    }
}
