package io.ostraka.kv.rocks;

import io.ostraka.kv.CorruptSnapshotException;
import io.ostraka.kv.KvStorage;
import io.ostraka.kv.KvStore;
import io.ostraka.raft.Invariants;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;

/**
 * {@link KvStorage} on RocksDB: a data directory holding generations of the database and a
 * pointer to the live one.
 *
 * <pre>
 *   dataDir/LOCK            held (FileLock) while a state machine has the directory open
 *   dataDir/CURRENT_DB      "db-000003\n": the live generation (replaced by write-temp, fsync, rename)
 *   dataDir/db-000003/      the live RocksDB database
 *   dataDir/db-000004/      a restore in progress (staging); deleted on open if left by a crash
 * </pre>
 *
 * <h2>Restores swap atomically</h2>
 * A restore fills a new generation directory, makes it durable (flush, WAL sync, fsync of copied
 * files), closes it and the live database, and then replaces {@code CURRENT_DB} by a rename — the
 * single atomic step. A crash before the rename leaves the old state (the staging directory is
 * deleted at the next open); after it, the new one. Renaming the database directory itself over
 * the old one is not possible on POSIX (a non-empty target), hence the pointer, as RocksDB's own
 * {@code CURRENT} file does for its MANIFEST.
 *
 * <h2>Checkpoint snapshots</h2>
 * {@link #writeNativeSnapshot} writes {@code dir/checkpoint/} (a RocksDB checkpoint: SST files
 * hard-linked, so the cost is a memtable flush plus links, not a copy of the data) and
 * {@code dir/checkpoint.manifest} ({@link CheckpointManifest}: applied index, every file's size and
 * CRC32C). SST files are immutable and uniquely numbered within a database, so their checksums are
 * cached by name: each snapshot reads only the SSTs created since the previous one.
 * {@link #openNativeSnapshot} checks the manifest, copies every file into a staging generation
 * while checksumming it, rejects any missing, extra or damaged file, opens the copy and checks its
 * applied index — all before the live database is touched.
 */
public final class RocksKvStorage implements KvStorage {
    static final String POINTER_FILE = "CURRENT_DB";
    static final String CHECKPOINT_DIR = "checkpoint";
    static final String LOCK_FILE = "LOCK";
    private static final String GENERATION_PREFIX = "db-";

    private final Path dataDirectory;
    private final RocksKvOptions options;
    // Held while open, so a second process (or machine in this one) cannot delete our staging generation.
    private final FileChannel lockChannel;
    private final FileLock lock;
    private String currentGeneration;
    private long nextGeneration;
    // Checksums of the live generation's SST files, by file name (names are never reused in one database).
    private final TreeMap<String, CheckpointManifest.FileDigest> sstDigests = new TreeMap<>();

    private RocksKvStorage(Path dataDirectory, RocksKvOptions options, FileChannel lockChannel, FileLock lock,
            String currentGeneration) {
        this.dataDirectory = dataDirectory;
        this.options = options;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.currentGeneration = currentGeneration;
        this.nextGeneration = generationNumber(currentGeneration) + 1;
    }

    /**
     * Opens (creating if missing) the data directory: reads {@code CURRENT_DB} and deletes any other
     * generation, left by a restore that a crash interrupted.
     */
    public static RocksKvStorage open(Path dataDirectory, RocksKvOptions options) throws IOException {
        Files.createDirectories(dataDirectory);
        FileChannel lockChannel = FileChannel.open(dataDirectory.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock = null;
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            // Held by this process: fall through to the error below.
        }
        if (lock == null) {
            lockChannel.close();
            throw new IOException("the KV data directory " + dataDirectory + " is in use by another state machine");
        }
        try {
            return new RocksKvStorage(dataDirectory, options, lockChannel, lock, prepareGenerations(dataDirectory));
        } catch (IOException | RuntimeException e) {
            lockChannel.close();
            throw e;
        }
    }

    private static String prepareGenerations(Path dataDirectory) throws IOException {
        Path pointer = dataDirectory.resolve(POINTER_FILE);
        String current;
        if (Files.exists(pointer)) {
            current = Files.readString(pointer, StandardCharsets.US_ASCII).strip();
            if (!current.matches(GENERATION_PREFIX + "\\d{6,}")) {
                throw new IOException(pointer + " names \"" + current + "\", not a database generation");
            }
            if (!Files.isDirectory(dataDirectory.resolve(current))) {
                throw new IOException(pointer + " names " + current + " but " + dataDirectory.resolve(current)
                        + " does not exist; refusing to start from an empty store");
            }
        } else {
            current = generationName(1);
            // The directory first, so a crash right after the pointer cannot make it name nothing.
            Files.createDirectories(dataDirectory.resolve(current));
            writePointer(dataDirectory, current);
        }
        for (Path leftover : generations(dataDirectory)) {
            if (!leftover.getFileName().toString().equals(current)) {
                deleteRecursively(leftover);
            }
        }
        return current;
    }

    /** Releases the data directory lock. */
    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            lockChannel.close();
        }
    }

    /** The live database directory. */
    public Path currentDirectory() {
        return dataDirectory.resolve(currentGeneration);
    }

    @Override
    public KvStore openCurrent() throws IOException {
        return RocksKvStore.open(currentDirectory(), options);
    }

    @Override
    public KvStore createStaging() throws IOException {
        Path staging = newGenerationDirectory();
        return RocksKvStore.open(staging, options);
    }

    @Override
    public KvStore install(KvStore current, KvStore staging) throws IOException {
        RocksKvStore staged = (RocksKvStore) staging;
        String stagedGeneration = staged.directory().getFileName().toString();
        Invariants.check(staged.directory().getParent().equals(dataDirectory) && !stagedGeneration.equals(currentGeneration),
                "staging store %s is not a new generation of %s", staged.directory(), dataDirectory);
        staged.flushDurably();
        staged.close();
        // The live generation is deleted below: its memtables need not reach disk. A crash before
        // the pointer moves reopens it at an older applied index, and the snapshot the log
        // already holds (durable before any install begins) is restored over it again.
        ((RocksKvStore) current).closeForDeletion();
        String previous = currentGeneration;
        writePointer(dataDirectory, stagedGeneration);
        currentGeneration = stagedGeneration;
        sstDigests.clear();
        deleteRecursively(dataDirectory.resolve(previous));
        return openCurrent();
    }

    @Override
    public void discard(KvStore staging) {
        RocksKvStore staged = (RocksKvStore) staging;
        staged.closeForDeletion();
        try {
            deleteRecursively(staged.directory());
        } catch (IOException e) {
            // Left for the next open, which deletes every generation but the live one.
        }
    }

    @Override
    public boolean writesNativeSnapshots() {
        return true;
    }

    @Override
    public boolean isNativeSnapshot(Path directory) {
        return isCheckpoint(directory);
    }

    /** Whether {@code directory} holds a RocksDB checkpoint snapshot (whatever storage asks). */
    public static boolean isCheckpoint(Path directory) {
        return Files.exists(directory.resolve(CheckpointManifest.FILE_NAME));
    }

    @Override
    public void writeNativeSnapshot(KvStore current, long appliedIndex, Path directory) throws IOException {
        RocksKvStore store = (RocksKvStore) current;
        Invariants.check(store.appliedIndex() == appliedIndex, "store at %d, snapshot asked at %d",
                store.appliedIndex(), appliedIndex);
        Path checkpoint = directory.resolve(CHECKPOINT_DIR);
        store.checkpoint(checkpoint);
        List<CheckpointManifest.FileDigest> files = new ArrayList<>();
        TreeMap<String, CheckpointManifest.FileDigest> liveDigests = new TreeMap<>();
        for (Path file : listFiles(checkpoint)) {
            String name = file.getFileName().toString();
            CheckpointManifest.FileDigest cached = sstDigests.get(name);
            CheckpointManifest.FileDigest digest = cached != null && cached.sizeBytes() == Files.size(file)
                    ? cached : CheckpointManifest.digest(file);
            if (name.endsWith(".sst")) {
                liveDigests.put(name, digest);
            }
            files.add(digest);
        }
        sstDigests.clear();
        sstDigests.putAll(liveDigests);
        Path manifest = directory.resolve(CheckpointManifest.FILE_NAME);
        try (OutputStream out = Files.newOutputStream(manifest, StandardOpenOption.CREATE_NEW)) {
            out.write(new CheckpointManifest(appliedIndex, files).render().getBytes(StandardCharsets.UTF_8));
        }
        fsync(manifest, false);
        fsync(directory, true);
    }

    @Override
    public KvStore openNativeSnapshot(long index, Path directory) throws IOException {
        CheckpointManifest manifest = CheckpointManifest.read(directory.resolve(CheckpointManifest.FILE_NAME));
        if (manifest.appliedIndex() != index) {
            throw new CorruptSnapshotException("checkpoint snapshot is of applied index " + manifest.appliedIndex()
                    + " but was offered as index " + index);
        }
        Path source = directory.resolve(CHECKPOINT_DIR);
        requireExactlyTheListedFiles(manifest, source);
        Path staging = newGenerationDirectory();
        Files.createDirectories(staging);
        RocksKvStore opened = null;
        try {
            for (CheckpointManifest.FileDigest expected : manifest.files()) {
                CheckpointManifest.verifyFile(expected, copyWithDigest(source.resolve(expected.name()),
                        staging.resolve(expected.name())));
            }
            fsync(staging, true);
            opened = RocksKvStore.open(staging, options);
            if (opened.appliedIndex() != index) {
                throw new CorruptSnapshotException("checkpoint snapshot holds applied index " + opened.appliedIndex()
                        + " but its manifest says " + index);
            }
            return opened;
        } catch (IOException | RuntimeException e) {
            if (opened != null) {
                opened.close();
            }
            deleteRecursively(staging);
            throw e;
        }
    }

    private static void requireExactlyTheListedFiles(CheckpointManifest manifest, Path source) throws IOException {
        TreeSet<String> listed = new TreeSet<>();
        manifest.files().forEach(file -> listed.add(file.name()));
        TreeSet<String> present = new TreeSet<>();
        if (Files.isDirectory(source)) {
            for (Path file : listFiles(source)) {
                present.add(file.getFileName().toString());
            }
        }
        if (!present.equals(listed)) {
            TreeSet<String> missing = new TreeSet<>(listed);
            missing.removeAll(present);
            TreeSet<String> extra = new TreeSet<>(present);
            extra.removeAll(listed);
            throw new CorruptSnapshotException("checkpoint in " + source + " does not match its manifest: missing "
                    + missing + ", unexpected " + extra);
        }
    }

    private static CheckpointManifest.FileDigest copyWithDigest(Path from, Path to) throws IOException {
        CRC32C crc = new CRC32C();
        long size;
        try (InputStream in = new CheckedInputStream(Files.newInputStream(from), crc)) {
            size = Files.copy(in, to);
        }
        fsync(to, false);
        return new CheckpointManifest.FileDigest(to.getFileName().toString(), size, (int) crc.getValue());
    }

    private Path newGenerationDirectory() throws IOException {
        Path staging = dataDirectory.resolve(generationName(nextGeneration++));
        if (Files.exists(staging)) {
            deleteRecursively(staging);
        }
        return staging;
    }

    private static void writePointer(Path dataDirectory, String generation) throws IOException {
        Path temporary = dataDirectory.resolve(POINTER_FILE + ".tmp");
        Files.writeString(temporary, generation + "\n", StandardCharsets.US_ASCII);
        fsync(temporary, false);
        Files.move(temporary, dataDirectory.resolve(POINTER_FILE), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        fsync(dataDirectory, true);
    }

    private static void fsync(Path path, boolean directory) throws IOException {
        try (FileChannel channel = FileChannel.open(path, directory ? StandardOpenOption.READ : StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    private static List<Path> listFiles(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.sorted(Comparator.comparing(Path::toString)).toList();
        }
    }

    private static List<Path> generations(Path dataDirectory) throws IOException {
        List<Path> found = new ArrayList<>();
        for (Path path : listFiles(dataDirectory)) {
            if (Files.isDirectory(path) && path.getFileName().toString().startsWith(GENERATION_PREFIX)) {
                found.add(path);
            }
        }
        return found;
    }

    private static String generationName(long number) {
        return String.format(Locale.ROOT, GENERATION_PREFIX + "%06d", number);
    }

    private static long generationNumber(String name) {
        return Long.parseLong(name.substring(GENERATION_PREFIX.length()));
    }

    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(root)) {
            paths = walk.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path path : paths) {
            try {
                Files.delete(path);
            } catch (NoSuchFileException e) {
                // Already gone.
            }
        }
    }

    @Override
    public String toString() {
        return "RocksKvStorage[" + currentDirectory() + "]";
    }
}
