package io.ostraka.server;

import io.ostraka.log.SnapshotManifest;
import io.ostraka.log.SnapshotStore;
import io.ostraka.transport.SnapshotFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The log engine's {@link SnapshotStore} as the transport's {@link SnapshotFiles}. The sender
 * streams every file of a snapshot directory, its checksummed MANIFEST included; the receiver
 * collects them in a scratch directory and, on commit, reads the sender's MANIFEST for the
 * snapshot's metadata (index, term, configuration), verifies every file against it, and stores
 * the snapshot through {@link SnapshotStore} — which writes a fresh manifest and publishes the
 * directory atomically.
 *
 * <p>Each transfer gets a scratch directory of its own, even two of the same snapshot (two
 * senders can hold a snapshot with the same term and index); commits are serialized, and a
 * snapshot the store already holds is kept rather than replaced ({@link SnapshotStore} does that
 * for every writer), since a sender or a restore may be reading it. Transfers do not survive a restart, so {@link #open} empties the scratch
 * directory of whatever a previous process left.
 */
final class LogSnapshotFiles implements SnapshotFiles {
    private final SnapshotStore store;
    private final Path scratch;
    private final AtomicLong transfers = new AtomicLong();

    private LogSnapshotFiles(SnapshotStore store, Path scratch) {
        this.store = store;
        this.scratch = scratch;
    }

    /** Snapshot files over {@code store}, receiving in {@code scratch}, which is emptied now. */
    static LogSnapshotFiles open(SnapshotStore store, Path scratch) throws IOException {
        deleteTree(scratch);
        Files.createDirectories(scratch);
        return new LogSnapshotFiles(store, scratch);
    }

    @Override
    public Optional<StoredSnapshot> find(long groupId, long term, long index) throws IOException {
        for (StoredSnapshot s : list(groupId)) {
            if (s.term() == term && s.index() == index) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    @Override
    public List<StoredSnapshot> list(long groupId) throws IOException {
        List<StoredSnapshot> out = new ArrayList<>();
        for (SnapshotStore.StoredSnapshot s : store.list(groupId)) {
            out.add(new StoredSnapshot(groupId, s.metadata().term(), s.metadata().index(), s.directory(), files(s.directory())));
        }
        return out;
    }

    private static List<SnapshotFile> files(Path directory) throws IOException {
        List<SnapshotFile> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.naturalOrder())::iterator) {
                if (Files.isRegularFile(p)) {
                    files.add(new SnapshotFile(directory.relativize(p).toString().replace('\\', '/'), Files.size(p)));
                }
            }
        }
        return files;
    }

    @Override
    public InputStream open(StoredSnapshot snapshot, String fileName) throws IOException {
        return Files.newInputStream(snapshot.directory().resolve(SnapshotFiles.checkFileName(fileName)));
    }

    @Override
    public Writer begin(long groupId, long term, long index) throws IOException {
        Path dir = scratch.resolve(groupId + "-" + term + "-" + index + "-" + transfers.incrementAndGet() + ".incoming");
        deleteTree(dir);
        Files.createDirectories(dir);
        return new Writer() {
            @Override
            public Path directory() {
                return dir;
            }

            @Override
            public StoredSnapshot commit() throws IOException {
                synchronized (LogSnapshotFiles.this) {
                    return commitLocked();
                }
            }

            private StoredSnapshot commitLocked() throws IOException {
                SnapshotManifest sent = SnapshotManifest.read(dir.resolve(SnapshotManifest.FILE_NAME));
                if (sent.groupId() != groupId || sent.metadata().term() != term || sent.metadata().index() != index) {
                    throw new IOException("received MANIFEST describes group " + sent.groupId() + " snapshot "
                            + sent.metadata().term() + "-" + sent.metadata().index() + ", expected " + groupId + " " + term + "-" + index);
                }
                SnapshotStore.Writer writer = store.begin(groupId, sent.metadata());
                try {
                    for (SnapshotManifest.FileEntry f : sent.files()) {
                        Path target = writer.directory().resolve(SnapshotFiles.checkFileName(f.name()));
                        Files.createDirectories(target.getParent());
                        Files.move(dir.resolve(f.name()), target);
                    }
                    SnapshotStore.StoredSnapshot stored = writer.commit();
                    store.verify(stored);
                    deleteTree(dir);
                    return new StoredSnapshot(groupId, term, index, stored.directory(), files(stored.directory()));
                } catch (IOException | RuntimeException e) {
                    writer.abort();
                    throw e;
                }
            }

            @Override
            public void abort() {
                try {
                    deleteTree(dir);
                } catch (IOException ignored) {
                    // scratch space; cleaned at the next begin
                }
            }
        };
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
