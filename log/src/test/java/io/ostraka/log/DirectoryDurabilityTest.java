package io.ostraka.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.ostraka.log.segment.FileHandle;
import io.ostraka.log.segment.FileIo;
import io.ostraka.log.segment.NioFileIo;
import io.ostraka.raft.Entry;
import io.ostraka.raft.SnapshotMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash model: a new directory entry (mkdir, create, rename target) survives a crash only once its
 * parent directory has been fsynced (POSIX; ext4/xfs journal it sooner in practice, btrfs and others
 * need the parent fsync). The engine must fsync the parents of segments/ and snapshots/<group>/
 * when it creates them, or everything acknowledged below them could vanish.
 */
class DirectoryDurabilityTest {
    @TempDir
    Path directory;

    static final class TrackingIo implements FileIo {
        final FileIo d = NioFileIo.INSTANCE;
        final Set<Path> undurable = new ConcurrentSkipListSet<>();

        public FileHandle open(Path p, boolean create) throws IOException {
            if (create && !Files.exists(p)) {
                undurable.add(p.toAbsolutePath());
            }
            return d.open(p, create);
        }
        public FileHandle openReadOnly(Path p) throws IOException { return d.openReadOnly(p); }
        public void forceDirectory(Path dir) throws IOException {
            Path abs = dir.toAbsolutePath();
            undurable.removeIf(p -> abs.equals(p.getParent()));
            d.forceDirectory(dir);
        }
        public void rename(Path a, Path b) throws IOException {
            undurable.remove(a.toAbsolutePath());
            undurable.add(b.toAbsolutePath());
            d.rename(a, b);
        }
        public void delete(Path p) throws IOException {
            undurable.remove(p.toAbsolutePath());
            d.delete(p);
        }
        public void createDirectories(Path dir) throws IOException {
            List<Path> created = new ArrayList<>();
            for (Path p = dir.toAbsolutePath(); p != null && !Files.exists(p); p = p.getParent()) {
                created.add(p);
            }
            d.createDirectories(dir);
            undurable.addAll(created);
        }
        public List<Path> list(Path dir) throws IOException { return d.list(dir); }

        /** Loses every entry whose parent was never fsynced since it was created. */
        List<Path> crash() throws IOException {
            List<Path> lost = new ArrayList<>(new TreeSet<>(undurable));
            for (Path p : lost) {
                if (Files.exists(p)) {
                    try (Stream<Path> walk = Files.walk(p)) {
                        for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
                            Files.delete(q);
                        }
                    }
                }
            }
            return lost;
        }
    }

    @Test
    void acknowledgedEntriesSurviveLosingUnsyncedDirectoryEntries() throws Exception {
        Path root = Files.createDirectories(directory.resolve("data")); // the caller's root: assume durable
        TrackingIo io = new TrackingIo();
        LogEngineConfig config = TestEngines.small(root).withFileIo(io);
        try (LogEngine engine = LogEngine.open(config)) {
            engine.group(1).append(List.of(Entry.normal(1, 1, new byte[] {1}))); // acknowledged: fsynced
        }
        List<Path> lost = io.crash();
        try (LogEngine engine = LogEngine.open(TestEngines.small(root))) {
            assertThat(engine.group(1).lastIndex()).as("acknowledged entry after crash; lost entries %s", lost).isEqualTo(1);
        }
    }

    @Test
    void aCommittedSnapshotSurvivesLosingUnsyncedDirectoryEntries() throws Exception {
        Path root = Files.createDirectories(directory.resolve("snapshots")); // assume durable
        TrackingIo io = new TrackingIo();
        SnapshotStore store = new SnapshotStore(root, io, 2);
        SnapshotStore.Writer writer = store.begin(7, new SnapshotMetadata(10, 2, LogStoreContractTest.CONF));
        Files.writeString(writer.directory().resolve("state.bin"), "state");
        writer.commit();
        List<Path> lost = io.crash();
        assertThat(new SnapshotStore(root, NioFileIo.INSTANCE, 2).latest(7))
                .as("committed snapshot after crash; lost entries %s", lost).isPresent();
    }
}
