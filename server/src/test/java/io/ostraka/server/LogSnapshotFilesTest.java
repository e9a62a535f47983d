package io.ostraka.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.ostraka.log.segment.NioFileIo;
import io.ostraka.log.SnapshotStore;
import io.ostraka.raft.ConfState;
import io.ostraka.raft.SnapshotMetadata;
import io.ostraka.transport.SnapshotFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves the receiving side of snapshot transfers over the log's snapshot store: two transfers
 * of one snapshot (two senders can hold one with the same term and index) write apart, the first
 * commit stays and the second returns it, and a restart empties the scratch directory.
 */
class LogSnapshotFilesTest {
    private static final long GROUP = 1;
    private static final SnapshotMetadata SNAPSHOT = new SnapshotMetadata(120, 3, ConfState.ofVoters(1L, 2L, 3L));

    @TempDir
    Path dir;

    /** A committed snapshot on the sending side: its directory holds the files and the MANIFEST to send. */
    private Path sent(String name, String data) throws IOException {
        SnapshotStore sender = new SnapshotStore(dir.resolve(name), NioFileIo.INSTANCE, 2);
        SnapshotStore.Writer w = sender.begin(GROUP, SNAPSHOT);
        Files.writeString(w.directory().resolve("data"), data);
        return w.commit().directory();
    }

    private static void receive(Path sentDir, SnapshotFiles.Writer into) throws IOException {
        try (Stream<Path> files = Files.list(sentDir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, into.directory().resolve(f.getFileName().toString()));
            }
        }
    }

    @Test
    void twoTransfersOfOneSnapshotWriteApartAndTheFirstCommitStays() throws IOException {
        SnapshotStore store = new SnapshotStore(dir.resolve("receiver"), NioFileIo.INSTANCE, 2);
        LogSnapshotFiles files = LogSnapshotFiles.open(store, dir.resolve("incoming"));
        SnapshotFiles.Writer first = files.begin(GROUP, SNAPSHOT.term(), SNAPSHOT.index());
        receive(sent("sender-a", "from a"), first);
        SnapshotFiles.Writer second = files.begin(GROUP, SNAPSHOT.term(), SNAPSHOT.index());
        assertThat(second.directory()).isNotEqualTo(first.directory());
        assertThat(Files.readString(first.directory().resolve("data"))).isEqualTo("from a");
        receive(sent("sender-b", "from b"), second);

        SnapshotFiles.StoredSnapshot committed = first.commit();
        SnapshotFiles.StoredSnapshot again = second.commit();
        assertThat(again.directory()).isEqualTo(committed.directory());
        assertThat(Files.readString(committed.directory().resolve("data"))).isEqualTo("from a");
        assertThat(store.list(GROUP)).hasSize(1);
        assertThat(Files.exists(second.directory())).isFalse();
    }

    @Test
    void openingEmptiesTheScratchDirectoryOfAnEarlierProcess() throws IOException {
        Path scratch = Files.createDirectories(dir.resolve("incoming"));
        Path leftover = Files.createDirectories(scratch.resolve("1-3-120-7.incoming"));
        Files.writeString(leftover.resolve("data"), "a transfer cut short by a crash");
        SnapshotStore store = new SnapshotStore(dir.resolve("receiver"), NioFileIo.INSTANCE, 2);
        LogSnapshotFiles.open(store, scratch);
        try (Stream<Path> left = Files.list(scratch)) {
            assertThat(left).isEmpty();
        }
    }
}
