package io.ostraka.log;

import io.ostraka.log.segment.FileHandle;
import io.ostraka.log.segment.FileIo;
import io.ostraka.raft.Invariants;
import io.ostraka.raft.SnapshotMetadata;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32C;

/**
 * Snapshot data on disk: {@code snapshots/<group>/<term>-<index>/} holding the state machine's
 * files and a checksummed {@code MANIFEST} ({@link SnapshotManifest}).
 *
 * <p>A snapshot is built in {@code <term>-<index>.tmp/}; {@link Writer#commit()} fsyncs every
 * file, writes and fsyncs the manifest and the directory, renames it into place and fsyncs the
 * group directory — so a snapshot directory under its final name is always complete — then
 * prunes all but the newest {@code retained}. Leftover {@code .tmp} directories are deleted.
 */
public final class SnapshotStore {
    private static final String TEMP_SUFFIX = ".tmp";
    /** A committed snapshot being deleted: renamed first, so a crash never leaves a committed name half-deleted. */
    private static final String DELETING_SUFFIX = ".deleting";

    private final Path root;
    private final FileIo fileIo;
    private final int retained;
    /** Per group, the snapshot its log durably names: never pruned. */
    private final ConcurrentHashMap<Long, SnapshotMetadata> named = new ConcurrentHashMap<>();
    /** Temporary directories of writers not yet committed or aborted: pruning leaves them alone. */
    private final Set<Path> writing = ConcurrentHashMap.newKeySet();

    public SnapshotStore(Path root, FileIo fileIo, int retained) {
        Invariants.check(retained >= 1, "must retain at least one snapshot, not %d", retained);
        this.root = root;
        this.fileIo = fileIo;
        this.retained = retained;
    }

    /** A committed snapshot: its metadata, directory and the verified manifest. */
    public record StoredSnapshot(long groupId, SnapshotMetadata metadata, Path directory, SnapshotManifest manifest) {}

    public Path groupDirectory(long groupId) {
        return root.resolve(Long.toString(groupId));
    }

    /** Starts a snapshot: write its files into {@link Writer#directory()}, then commit. */
    public Writer begin(long groupId, SnapshotMetadata metadata) throws IOException {
        Invariants.check(!metadata.isEmpty(), "group %d: cannot store an empty snapshot", groupId);
        Path groupDir = groupDirectory(groupId);
        fileIo.createDirectoriesDurably(groupDir);
        Path temp = groupDir.resolve(name(metadata) + TEMP_SUFFIX);
        deleteTree(temp);
        fileIo.createDirectories(temp);
        writing.add(temp);
        return new Writer(groupId, metadata, temp);
    }

    /** The newest committed snapshot whose manifest verifies, if any. */
    public Optional<StoredSnapshot> latest(long groupId) throws IOException {
        List<StoredSnapshot> all = list(groupId);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** Committed snapshots of a group, oldest first; throws if a manifest is damaged. */
    public List<StoredSnapshot> list(long groupId) throws IOException {
        Path groupDir = groupDirectory(groupId);
        if (!Files.isDirectory(groupDir)) {
            return List.of();
        }
        List<StoredSnapshot> out = new ArrayList<>();
        for (Path dir : committedDirectories(groupDir)) {
            SnapshotManifest manifest = SnapshotManifest.read(dir.resolve(SnapshotManifest.FILE_NAME));
            Invariants.check(manifest.groupId() == groupId, "snapshot %s belongs to group %d", dir, manifest.groupId());
            out.add(new StoredSnapshot(groupId, manifest.metadata(), dir, manifest));
        }
        return out;
    }

    /** Re-reads every file of a snapshot and checks size and CRC32C against its manifest. */
    public void verify(StoredSnapshot snapshot) throws IOException {
        for (SnapshotManifest.FileEntry file : snapshot.manifest().files()) {
            Path path = snapshot.directory().resolve(file.name());
            SnapshotManifest.FileEntry actual = checksum(path, file.name());
            if (actual.sizeBytes() != file.sizeBytes() || actual.crc32c() != file.crc32c()) {
                throw new LogCorruptionException(path, 0, snapshot.groupId(), "snapshot file does not match its manifest");
            }
        }
    }

    /**
     * Committed snapshot directories, by index and then term: two snapshots at one index (which
     * a correct log never produces, as the entry there has one term) are both listed and both
     * pruned in turn, rather than one hiding the other in whatever order the directory lists.
     */
    private List<Path> committedDirectories(Path groupDir) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path dir : fileIo.list(groupDir)) {
            String name = dir.getFileName().toString();
            if (!name.endsWith(TEMP_SUFFIX) && name.matches("\\d+-\\d+")) {
                out.add(dir);
            }
        }
        out.sort(Comparator.comparingLong((Path dir) -> nameField(dir, 1)).thenComparingLong(dir -> nameField(dir, 0)));
        return out;
    }

    /** Field 0 (term) or 1 (index) of a committed directory's {@code <term>-<index>} name. */
    private static long nameField(Path dir, int field) {
        return Long.parseLong(dir.getFileName().toString().split("-")[field]);
    }

    private static String name(SnapshotMetadata metadata) {
        return String.format(Locale.ROOT, "%d-%d", metadata.term(), metadata.index());
    }

    private SnapshotManifest.FileEntry checksum(Path path) throws IOException {
        return checksum(path, path.getFileName().toString());
    }

    private SnapshotManifest.FileEntry checksum(Path path, String name) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
        long size = 0;
        try (FileHandle handle = fileIo.openReadOnly(path)) {
            int n;
            while ((n = handle.read(buffer.clear(), size)) > 0) {
                crc.update(buffer.flip());
                size += n;
            }
        }
        return new SnapshotManifest.FileEntry(name, size, (int) crc.getValue());
    }

    /**
     * Records the snapshot {@code groupId}'s log durably names (once its record is written):
     * pruning keeps it on top of the newest {@code retained}. By index alone, a snapshot received
     * above this node's own (and refused by its core) and the node's next one could push out the
     * snapshot the log still names, and a crash before the log named the next one left it naming
     * files that were gone.
     */
    public void retainNamed(long groupId, SnapshotMetadata metadata) {
        if (metadata.index() == 0) {
            return;
        }
        // The log's snapshot only moves forward; callers on different threads (a taken snapshot's
        // record written, an install made durable) may report out of order.
        named.merge(groupId, metadata, (held, offered) -> offered.index() >= held.index() ? offered : held);
    }

    private void prune(long groupId, Path groupDir) throws IOException {
        for (Path dir : fileIo.list(groupDir)) {
            String name = dir.getFileName().toString();
            if ((name.endsWith(TEMP_SUFFIX) && !writing.contains(dir)) || name.endsWith(DELETING_SUFFIX)) {
                deleteTree(dir); // left by a crash or an abandoned writer; another writer's is kept
            }
        }
        List<Path> committed = committedDirectories(groupDir);
        SnapshotMetadata namedByLog = named.get(groupId);
        String keep = namedByLog == null ? null : name(namedByLog);
        for (int k = 0; k < committed.size() - retained; k++) {
            if (!committed.get(k).getFileName().toString().equals(keep)) {
                retire(groupDir, committed.get(k));
            }
        }
        fileIo.forceDirectory(groupDir);
    }

    /**
     * Deletes a committed snapshot directory: renamed out of the committed names first (and the
     * rename made durable), so a crash part way leaves a leftover to sweep, never a committed
     * name whose MANIFEST is gone.
     */
    private void retire(Path groupDir, Path committed) throws IOException {
        Path doomed = committed.resolveSibling(committed.getFileName() + DELETING_SUFFIX);
        deleteTree(doomed);
        fileIo.rename(committed, doomed);
        fileIo.forceDirectory(groupDir);
        deleteTree(doomed);
    }

    private void deleteTree(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        if (Files.isDirectory(path)) {
            List<Path> children = fileIo.list(path);
            children.sort(Comparator.reverseOrder());
            for (Path child : children) {
                deleteTree(child);
            }
        }
        fileIo.delete(path);
    }

    /** A snapshot being written; not visible to {@link #latest} until {@link #commit()}. */
    public final class Writer {
        private final long groupId;
        private final SnapshotMetadata metadata;
        private final Path directory;

        private Writer(long groupId, SnapshotMetadata metadata, Path directory) {
            this.groupId = groupId;
            this.metadata = metadata;
            this.directory = directory;
        }

        public Path directory() {
            return directory;
        }

        /** Makes the snapshot durable under its final name and prunes older ones. */
        public StoredSnapshot commit() throws IOException {
            try {
                return commitWritten();
            } finally {
                writing.remove(directory);
            }
        }

        private StoredSnapshot commitWritten() throws IOException {
            List<SnapshotManifest.FileEntry> files = new ArrayList<>();
            collectFiles(directory, directory, files);
            SnapshotManifest manifest = new SnapshotManifest(groupId, metadata, files);
            Path manifestPath = directory.resolve(SnapshotManifest.FILE_NAME);
            try (FileHandle handle = fileIo.open(manifestPath, true)) {
                handle.writeFully(ByteBuffer.wrap(manifest.encode()), 0);
                handle.force();
            }
            fileIo.forceDirectory(directory);
            Path groupDir = groupDirectory(groupId);
            Path target = groupDir.resolve(name(metadata));
            if (Files.isDirectory(target)) {
                // The same snapshot (term and index), committed before: the same state, and a
                // sender or a restore may be reading it. Keep it; never delete it to replace it.
                deleteTree(directory);
                SnapshotManifest held = SnapshotManifest.read(target.resolve(SnapshotManifest.FILE_NAME));
                return new StoredSnapshot(groupId, held.metadata(), target, held);
            }
            fileIo.rename(directory, target);
            fileIo.forceDirectory(groupDir);
            prune(groupId, groupDir);
            return new StoredSnapshot(groupId, metadata, target, manifest);
        }

        /**
         * Forces and checksums every file below {@code dir}, depth first in name order; files in
         * subdirectories (a RocksDB checkpoint is one) are named by their '/'-separated path.
         */
        private void collectFiles(Path root, Path dir, List<SnapshotManifest.FileEntry> files) throws IOException {
            List<Path> children = new ArrayList<>(fileIo.list(dir));
            children.sort(Comparator.naturalOrder());
            for (Path child : children) {
                if (Files.isDirectory(child, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    collectFiles(root, child, files);
                    fileIo.forceDirectory(child);
                    continue;
                }
                Invariants.check(Files.isRegularFile(child, java.nio.file.LinkOption.NOFOLLOW_LINKS),
                        "snapshot %s: %s is neither a regular file nor a directory", directory, child);
                try (FileHandle handle = fileIo.open(child, false)) {
                    handle.force();
                }
                files.add(checksum(child, root.relativize(child).toString().replace('\\', '/')));
            }
        }

        public void abort() throws IOException {
            writing.remove(directory);
            deleteTree(directory);
        }
    }
}
