package io.ostraka.kv;

import static io.ostraka.kv.TestBytes.b;
import static io.ostraka.kv.TestBytes.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ostraka.kv.rocks.RocksKvOptions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves the durable state machine: after close and reopen (in every WAL mode) it has the same
 * keys, versions, sessions and applied index, and a retried session write is answered from the
 * persisted dedup table instead of being applied twice; a stream snapshot from an in-memory
 * machine restores into RocksDB and back byte for byte; a restore swaps the database generation
 * and survives a reopen.
 */
class RocksStateMachineTest {
    private static final KvConfig CONFIG = new KvConfig(50, 10);

    @TempDir
    Path directory;

    static byte[] snapshotOf(KvStateMachine machine) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        machine.snapshot(out);
        return out.toByteArray();
    }

    static void fill(KvStateMachine kv) {
        kv.apply(1, KvCommand.openSession()); // session 1
        kv.apply(2, KvCommand.put(b("a"), b("2")));
        kv.apply(3, KvCommand.increment(b("n")).withSession(1, 1));
        kv.apply(4, KvCommand.openSession()); // session 4
        kv.apply(5, KvCommand.put(new byte[] {(byte) 0xff, 0}, new byte[] {0, 1, 2}).withSession(4, 1));
        kv.apply(6, KvCommand.batch(new KvOp.Delete(java.util.List.of(b("a"))), new KvOp.Increment(b("m"), 4)));
    }

    @Test
    void restartKeepsStateAppliedIndexAndDeduplication() throws IOException {
        for (RocksKvOptions.WalMode mode : RocksKvOptions.WalMode.values()) {
            Path dataDir = directory.resolve(mode.name());
            RocksKvOptions options = RocksKvOptions.DEFAULT.withWalMode(mode);
            byte[] snapshot;
            byte[] firstIncrement;
            try (KvStateMachine kv = KvStateMachine.onRocksDb(CONFIG, dataDir, options)) {
                fill(kv);
                firstIncrement = kv.apply(7, KvCommand.increment(b("n")).withSession(1, 2).encode());
                snapshot = snapshotOf(kv);
            }
            try (KvStateMachine reopened = KvStateMachine.onRocksDb(CONFIG, dataDir, options)) {
                assertThat(reopened.appliedIndex()).as("%s", mode).isEqualTo(7);
                assertThat(snapshotOf(reopened)).isEqualTo(snapshot);
                assertThat(reopened.sessionCount()).isEqualTo(2);
                assertThat(reopened.lastSequence(1)).isEqualTo(2);
                assertThat(reopened.size()).isEqualTo(3);

                // The client did not see the answer to sequence 2 and retries it after the restart.
                byte[] retry = reopened.apply(8, KvCommand.increment(b("n")).withSession(1, 2).encode());
                assertThat(retry).isEqualTo(firstIncrement);
                assertThat(s(reopened.get(b("n")).value())).isEqualTo("2");
                assertThat(reopened.apply(9, KvCommand.increment(b("n")).withSession(1, 1)).status())
                        .isEqualTo(KvStatus.STALE_SEQUENCE);
                assertThat(reopened.apply(10, KvCommand.increment(b("n")).withSession(1, 3)).integer()).isEqualTo(3);
            }
        }
    }

    @Test
    void sessionExpiryIsPersistedToo() throws IOException {
        Path dataDir = directory.resolve("expiry");
        try (KvStateMachine kv = KvStateMachine.onRocksDb(new KvConfig(2, 10), dataDir)) {
            kv.apply(1, KvCommand.openSession());
            kv.apply(2, KvCommand.increment(b("n")).withSession(1, 1));
            assertThat(kv.sessionCount()).isEqualTo(1);
            kv.apply(5, KvCommand.get(b("n")));
            assertThat(kv.sessionCount()).isZero();
        }
        try (KvStateMachine reopened = KvStateMachine.onRocksDb(new KvConfig(2, 10), dataDir)) {
            assertThat(reopened.sessionCount()).isZero();
            assertThat(reopened.appliedIndex()).isEqualTo(5);
        }
    }

    @Test
    void streamSnapshotsArePortableBetweenStorages() throws IOException {
        KvStateMachine memory = KvStateMachine.inMemory(CONFIG);
        fill(memory);
        byte[] snapshot = snapshotOf(memory);
        Path dataDir = directory.resolve("portable");
        try (KvStateMachine rocks = KvStateMachine.onRocksDb(CONFIG, dataDir)) {
            rocks.apply(1, KvCommand.put(b("mine"), b("x")));
            rocks.restore(6, new ByteArrayInputStream(snapshot));
            assertThat(snapshotOf(rocks)).isEqualTo(snapshot);
            assertThat(rocks.get(b("mine")).status()).isEqualTo(KvStatus.NOT_FOUND);
        }
        try (KvStateMachine reopened = KvStateMachine.onRocksDb(CONFIG, dataDir)) {
            assertThat(reopened.appliedIndex()).isEqualTo(6);
            assertThat(snapshotOf(reopened)).isEqualTo(snapshot);
            KvStateMachine back = KvStateMachine.inMemory(CONFIG);
            back.restore(6, new ByteArrayInputStream(snapshotOf(reopened)));
            assertThat(snapshotOf(back)).isEqualTo(snapshot);
        }
        try (Stream<Path> generations = Files.list(dataDir)) {
            assertThat(generations.map(p -> p.getFileName().toString()).sorted())
                    .as("the old generation is gone after the swap").containsExactly("CURRENT_DB", "LOCK", "db-000002");
        }
    }

    @Test
    void aCorruptStreamLeavesTheDurableStateAlone() throws IOException {
        KvStateMachine memory = KvStateMachine.inMemory(CONFIG);
        fill(memory);
        byte[] damaged = snapshotOf(memory);
        damaged[damaged.length - 1] ^= 1;
        Path dataDir = directory.resolve("corrupt");
        try (KvStateMachine rocks = KvStateMachine.onRocksDb(CONFIG, dataDir)) {
            rocks.apply(1, KvCommand.put(b("mine"), b("x")));
            assertThatThrownBy(() -> rocks.restore(6, new ByteArrayInputStream(damaged)))
                    .isInstanceOf(CorruptSnapshotException.class).hasMessageStartingWith("snapshot checksum mismatch");
            assertThat(rocks.appliedIndex()).isEqualTo(1);
            assertThat(s(rocks.get(b("mine")).value())).isEqualTo("x");
            rocks.apply(2, KvCommand.put(b("more"), b("y")));
        }
        try (KvStateMachine reopened = KvStateMachine.onRocksDb(CONFIG, dataDir)) {
            assertThat(reopened.appliedIndex()).isEqualTo(2);
            assertThat(reopened.size()).isEqualTo(2);
        }
    }

    @Test
    void aClosedMachineRefusesUseAndAMissingGenerationIsRefused() throws IOException {
        Path dataDir = directory.resolve("closed");
        KvStateMachine kv = KvStateMachine.onRocksDb(CONFIG, dataDir);
        assertThatThrownBy(() -> KvStateMachine.onRocksDb(CONFIG, dataDir))
                .hasMessageContaining("is in use by another state machine");
        kv.close();
        kv.close();
        assertThatThrownBy(() -> kv.apply(1, KvCommand.get(b("k")))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        io.ostraka.kv.rocks.RocksKvStorageTestAccess.deleteTree(dataDir.resolve("db-000001"));
        assertThatThrownBy(() -> KvStateMachine.onRocksDb(CONFIG, dataDir))
                .hasMessageContaining("refusing to start from an empty store");
        KvStateMachine.onRocksDb(CONFIG, directory.resolve("other")).close();
    }
}
