package io.ostraka.kv;

import static io.ostraka.kv.TestBytes.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ostraka.kv.rocks.RocksKvOptions;
import io.ostraka.kv.rocks.RocksKvStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failed open releases what it opened; a restore refuses a version that cannot be incremented
 * and says when a RocksDB checkpoint is offered to a state machine in memory (found by review).
 */
class KvOpenAndRestoreErrorsTest {
    @TempDir
    Path directory;

    /**
     * A store whose persisted session is inconsistent with its applied index makes the constructor
     * throw, but the RocksDB store and the data-directory lock stay open: the next attempt in the
     * same JVM is told the directory "is in use by another state machine" instead of the real cause.
     */
    @Test
    void aFailedOpenReleasesTheStoreAndTheDirectoryLock() throws IOException {
        Path dataDir = directory.resolve("data");
        try (KvStateMachine kv = KvStateMachine.onRocksDb(KvConfig.DEFAULT, dataDir)) {
            kv.apply(1, KvCommand.put(b("k"), b("v")));
        }
        // Damage: a session last active after the applied index (as a bad restore or bit rot could leave).
        try (RocksKvStore store = RocksKvStore.open(dataDir.resolve("db-000001"), RocksKvOptions.DEFAULT)) {
            store.write(new KvWriteBatch().putSession(new KvSession(7, 1, new byte[] {1, 0, 0}, 100)).appliedIndex(2));
        }
        Throwable first = catchOpen(dataDir);
        assertThat(first).hasMessageContaining("after the applied index");
        Throwable second = catchOpen(dataDir);
        // Before the fix: "the KV data directory ... is in use by another state machine" (leaked lock + RocksDB handle).
        assertThat(second).hasMessageContaining("after the applied index");
    }

    private static Throwable catchOpen(Path dataDir) {
        try (KvStateMachine kv = KvStateMachine.onRocksDb(KvConfig.DEFAULT, dataDir)) {
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    /**
     * restore() promises to reject impossible values; a key at version Long.MAX_VALUE was accepted,
     * and the next write to it made apply throw ArithmeticException (every replica stops on it).
     */
    @Test
    void aRestoredVersionThatCannotBeIncrementedIsRefusedOrWrittenCleanly() throws IOException {
        byte[] snapshot = snapshot(5, b("k"), b("1"), Long.MAX_VALUE, 1, 5);
        KvStateMachine kv = KvStateMachine.inMemory();
        Throwable restoreFailure = null;
        try {
            kv.restore(5, new ByteArrayInputStream(snapshot));
        } catch (CorruptSnapshotException e) {
            restoreFailure = e;
        }
        assertThat(restoreFailure).as("the restore of an impossible version").isNotNull()
                .hasMessageContaining("version " + Long.MAX_VALUE);
        assertThatCode(() -> kv.apply(6, KvCommand.increment(b("k")))).as("the state machine is still usable")
                .doesNotThrowAnyException();
    }

    /**
     * The reverse restore (a RocksDB checkpoint into an in-memory machine) is documented as not
     * supported, but the error it gives names only a missing state.bin.
     */
    @Test
    void restoringACheckpointIntoMemorySaysWhatIsWrong() throws IOException {
        Path snapshotDir = Files.createDirectories(directory.resolve("snap"));
        try (KvStateMachine rocks = KvStateMachine.onRocksDb(KvConfig.DEFAULT, directory.resolve("data"))) {
            rocks.apply(1, KvCommand.put(b("k"), b("v")));
            rocks.snapshotTo(snapshotDir);
        }
        KvStateMachine memory = KvStateMachine.inMemory();
        // Before the fix: java.nio.file.NoSuchFileException: .../snap/state.bin
        assertThatThrownBy(() -> memory.restoreFrom(1, snapshotDir)).isInstanceOf(CorruptSnapshotException.class)
                .hasMessageContaining("checkpoint");
    }

    /** A stream snapshot (docs/kv.md format 1) with one key and no sessions, CRC32C included. */
    private static byte[] snapshot(long appliedIndex, byte[] key, byte[] value, long version, long createIndex,
            long modIndex) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x4F534B56);
        out.writeInt(1);
        out.writeLong(appliedIndex);
        out.writeInt(0);
        out.writeByte(1);
        out.writeInt(key.length);
        out.write(key);
        out.writeInt(value.length);
        out.write(value);
        out.writeLong(version);
        out.writeLong(createIndex);
        out.writeLong(modIndex);
        out.writeByte(0);
        out.flush();
        CRC32C crc = new CRC32C();
        crc.update(bytes.toByteArray());
        out.writeInt((int) crc.getValue());
        out.flush();
        return bytes.toByteArray();
    }
}
