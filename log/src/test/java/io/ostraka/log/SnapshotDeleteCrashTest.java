package io.ostraka.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ostraka.log.segment.NioFileIo;
import io.ostraka.raft.SnapshotMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves that a crash while the snapshot store deletes a directory never costs a committed
 * snapshot: pruning renames an old snapshot out of the committed names before deleting its
 * files (deleting them under the committed name left, after a crash, a "committed" directory
 * without a MANIFEST, on which list() and latest() threw), and committing a snapshot the store
 * already holds keeps the held one instead of deleting it to put the new one in its place.
 */
class SnapshotDeleteCrashTest {
    @TempDir
    Path directory;

    /** Crashes (throws, and the store is abandoned) just before a snapshot's directory, of any state, is removed. */
    private static final class CrashBeforeRmdir extends ForwardingFileIo {
        volatile boolean armed;

        @Override
        public void delete(Path p) throws IOException {
            if (armed && Files.isDirectory(p) && p.getFileName().toString().matches("\\d+-\\d+.*")) {
                throw new IOException("simulated crash before removing " + p);
            }
            super.delete(p);
        }
    }

    private static void commit(SnapshotStore store, long index) throws Exception {
        SnapshotStore.Writer writer = store.begin(7, new SnapshotMetadata(index, 2, LogStoreContractTest.CONF));
        Files.writeString(writer.directory().resolve("state.bin"), "state " + index);
        writer.commit();
    }

    @Test
    void aCrashWhilePruningLeavesTheNewestSnapshotListed() throws Exception {
        CrashBeforeRmdir io = new CrashBeforeRmdir();
        SnapshotStore store = new SnapshotStore(directory, io, 1);
        commit(store, 10);
        io.armed = true;
        assertThatThrownBy(() -> commit(store, 20)).hasMessageContaining("simulated crash");
        // Restart: snapshot 20 was committed (renamed and group dir fsynced) before pruning began.
        SnapshotStore restarted = new SnapshotStore(directory, NioFileIo.INSTANCE, 1);
        assertThat(restarted.latest(7)).map(s -> s.metadata().index()).contains(20L);
    }

    @Test
    void aCrashWhileCommittingASnapshotAgainKeepsTheCommittedOne() throws Exception {
        CrashBeforeRmdir io = new CrashBeforeRmdir();
        SnapshotStore store = new SnapshotStore(directory, io, 2);
        commit(store, 10);
        io.armed = true;
        assertThatThrownBy(() -> commit(store, 10)).hasMessageContaining("simulated crash");
        SnapshotStore restarted = new SnapshotStore(directory, NioFileIo.INSTANCE, 2);
        assertThat(restarted.latest(7)).map(s -> s.metadata().index()).contains(10L);
    }
}
