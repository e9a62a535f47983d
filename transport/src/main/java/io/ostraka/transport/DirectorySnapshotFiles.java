package io.ostraka.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@link SnapshotFiles} over a plain directory layout: {@code root/<group>/<term>-<index>/}.
 *
 * <p>A snapshot being received lives in {@code root/<group>/<term>-<index>.<n>.tmp/}, one per
 * {@link #begin} call, so two transfers of the same snapshot never write into each other's files;
 * commit fsyncs every file and directory in it, renames it to its final name (an atomic rename on
 * POSIX) and fsyncs the group directory, so after a crash a snapshot directory is either complete
 * or absent. Leftover {@code .tmp} directories are ignored by readers and deleted by the next
 * begin of the same snapshot, unless a writer of this instance still uses them.
 */
public final class DirectorySnapshotFiles implements SnapshotFiles {
    private static final Pattern NAME = Pattern.compile("(\\d+)-(\\d+)");

    private final Path root;
    private final AtomicLong transfers = new AtomicLong();
    /** Temporary directories of writers not yet committed or aborted. */
    private final Set<Path> active = ConcurrentHashMap.newKeySet();

    public DirectorySnapshotFiles(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    @Override
    public Optional<StoredSnapshot> find(long groupId, long term, long index) throws IOException {
        Path dir = snapshotDirectory(groupId, term, index);
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        return Optional.of(describe(groupId, term, index, dir));
    }

    @Override
    public List<StoredSnapshot> list(long groupId) throws IOException {
        Path groupDir = root.resolve(Long.toString(groupId));
        List<StoredSnapshot> out = new ArrayList<>();
        if (!Files.isDirectory(groupDir)) {
            return out;
        }
        try (Stream<Path> children = Files.list(groupDir)) {
            for (Path child : (Iterable<Path>) children::iterator) {
                Matcher m = NAME.matcher(child.getFileName().toString());
                if (m.matches() && Files.isDirectory(child)) {
                    out.add(describe(groupId, Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), child));
                }
            }
        }
        out.sort(Comparator.comparingLong(StoredSnapshot::index).thenComparingLong(StoredSnapshot::term));
        return out;
    }

    @Override
    public InputStream open(StoredSnapshot snapshot, String fileName) throws IOException {
        return Files.newInputStream(snapshot.directory().resolve(SnapshotFiles.checkFileName(fileName)));
    }

    @Override
    public Writer begin(long groupId, long term, long index) throws IOException {
        Path finalDir = snapshotDirectory(groupId, term, index);
        String name = finalDir.getFileName().toString();
        Files.createDirectories(finalDir.getParent());
        try (Stream<Path> siblings = Files.list(finalDir.getParent())) {
            for (Path stale : (Iterable<Path>) siblings::iterator) {
                String other = stale.getFileName().toString();
                if (other.startsWith(name + ".") && other.endsWith(".tmp") && !active.contains(stale)) {
                    deleteRecursively(stale); // left by an earlier process or a writer never ended
                }
            }
        }
        Path tmp = finalDir.resolveSibling(name + "." + transfers.incrementAndGet() + ".tmp");
        deleteRecursively(tmp);
        Files.createDirectories(tmp);
        active.add(tmp);
        return new DirectoryWriter(groupId, term, index, tmp, finalDir);
    }

    private Path snapshotDirectory(long groupId, long term, long index) {
        return root.resolve(Long.toString(groupId)).resolve(term + "-" + index);
    }

    private static StoredSnapshot describe(long groupId, long term, long index, Path dir) throws IOException {
        List<SnapshotFile> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (Files.isRegularFile(p)) {
                    String name = dir.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
                    files.add(new SnapshotFile(name, Files.size(p)));
                }
            }
        }
        files.sort(Comparator.comparing(SnapshotFile::name));
        return new StoredSnapshot(groupId, term, index, dir, files);
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            List<Path> paths = walk.sorted(Comparator.reverseOrder()).toList();
            for (Path p : paths) {
                Files.deleteIfExists(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static void fsync(Path path, boolean directory) throws IOException {
        try (FileChannel ch = FileChannel.open(path, directory ? StandardOpenOption.READ : StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    private final class DirectoryWriter implements Writer {
        private final long groupId;
        private final long term;
        private final long index;
        private final Path tmp;
        private final Path finalDir;

        DirectoryWriter(long groupId, long term, long index, Path tmp, Path finalDir) {
            this.groupId = groupId;
            this.term = term;
            this.index = index;
            this.tmp = tmp;
            this.finalDir = finalDir;
        }

        @Override
        public Path directory() {
            return tmp;
        }

        @Override
        public StoredSnapshot commit() throws IOException {
            List<Path> directories = new ArrayList<>();
            try (Stream<Path> walk = Files.walk(tmp)) {
                for (Path p : (Iterable<Path>) walk::iterator) {
                    if (Files.isRegularFile(p)) {
                        fsync(p, false);
                    } else if (Files.isDirectory(p)) {
                        directories.add(p);
                    }
                }
            }
            for (Path d : directories) {
                fsync(d, true);
            }
            synchronized (DirectorySnapshotFiles.this) {
                if (Files.exists(finalDir)) {
                    // The same snapshot (same term and index) arrived before: keep that one, which
                    // a reader may be using.
                    abort();
                    return describe(groupId, term, index, finalDir);
                }
                try {
                    Files.move(tmp, finalDir, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException | NoSuchFileException e) {
                    throw new IOException("cannot publish snapshot " + finalDir + ": " + e, e);
                }
                active.remove(tmp);
            }
            fsync(finalDir.getParent(), true);
            return describe(groupId, term, index, finalDir);
        }

        @Override
        public void abort() {
            try {
                deleteRecursively(tmp);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete " + tmp, e);
            } finally {
                active.remove(tmp);
            }
        }
    }
}
