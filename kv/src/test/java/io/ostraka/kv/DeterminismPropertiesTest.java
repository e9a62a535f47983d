package io.ostraka.kv;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Proves determinism, the contract every replica relies on: the same command sequence gives the
 * same results and the same state on two machines — also when one of them starts from a snapshot
 * taken mid-way by a third — with sessions expiring along the way; and no input bytes, however
 * broken, make apply throw. The RocksDB property holds {@code RocksKvStore} to the same: machines on
 * RocksDB (restored mid-way from a stream snapshot or a checkpoint, and reopened) return exactly what
 * a {@code MemoryKvStore} machine returns, and end in byte-identical snapshots.
 */
class DeterminismPropertiesTest {
    // Small limits so that expiry and eviction happen within a short random history.
    private static final KvConfig CONFIG = new KvConfig(7, 3);

    @Provide
    Arbitrary<List<byte[]>> histories() {
        Arbitrary<byte[]> valid = KvArbitraries.commands().map(KvCommand::encode);
        Arbitrary<byte[]> garbage = Arbitraries.bytes().array(byte[].class).ofMaxSize(12);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(19, valid), net.jqwik.api.Tuple.of(1, garbage))
                .list().ofMinSize(1).ofMaxSize(60);
    }

    @Property(tries = 300)
    void replicaRestoredFromAMidwaySnapshotAgreesWithTheOriginal(@ForAll("histories") List<byte[]> history,
            @ForAll @IntRange(min = 0, max = 60) int cut, @ForAll @IntRange(min = 1, max = 3) int indexStride)
            throws IOException {
        int snapshotAt = Math.min(cut, history.size());
        KvStateMachine original = KvStateMachine.inMemory(CONFIG);
        KvStateMachine donor = KvStateMachine.inMemory(CONFIG);
        KvStateMachine replica = KvStateMachine.inMemory(CONFIG);

        for (int i = 0; i < history.size(); i++) {
            long index = (long) (i + 1) * indexStride;
            byte[] expected = original.apply(index, history.get(i));
            if (i < snapshotAt) {
                assertThat(donor.apply(index, history.get(i))).isEqualTo(expected);
                if (i == snapshotAt - 1) {
                    replica.restore(index, new ByteArrayInputStream(snapshotOf(donor)));
                }
            } else {
                assertThat(replica.apply(index, history.get(i))).as("result at index %d", index).isEqualTo(expected);
            }
        }
        // Restored at or before the last command, the replica must end byte-for-byte where the original did.
        assertThat(snapshotOf(replica)).isEqualTo(snapshotOf(original));
        assertThat(replica.appliedIndex()).isEqualTo(original.appliedIndex());
        assertThat(replica.sessionCount()).isEqualTo(original.sessionCount()).isLessThanOrEqualTo(CONFIG.sessionsMax());
        assertThat(replica.scan(new byte[0], null, KvLimits.SCAN_LIMIT_MAX))
                .isEqualTo(original.scan(new byte[0], null, KvLimits.SCAN_LIMIT_MAX));
    }

    @Property(tries = 40)
    void machinesOnRocksDbAgreeWithTheInMemoryOne(@ForAll("histories") List<byte[]> history,
            @ForAll @IntRange(min = 0, max = 60) int cut, @ForAll boolean viaCheckpoint,
            @ForAll @IntRange(min = 0, max = 60) int reopenAt) throws IOException {
        int snapshotAt = Math.min(cut, history.size());
        Path root = Files.createTempDirectory("kv-determinism");
        KvStateMachine memory = KvStateMachine.inMemory(CONFIG);
        KvStateMachine donor = KvStateMachine.onRocksDb(CONFIG, root.resolve("donor"));
        KvStateMachine replica = KvStateMachine.onRocksDb(CONFIG, root.resolve("replica"));
        try {
            for (int i = 0; i < history.size(); i++) {
                long index = i + 1;
                byte[] expected = memory.apply(index, history.get(i));
                if (i < snapshotAt) {
                    assertThat(donor.apply(index, history.get(i))).as("donor at %d", index).isEqualTo(expected);
                    if (i == snapshotAt - 1) {
                        restoreFrom(donor, replica, index, viaCheckpoint, root.resolve("snapshot"));
                    }
                } else {
                    if (i == reopenAt) {
                        replica.close();
                        replica = KvStateMachine.onRocksDb(CONFIG, root.resolve("replica"));
                    }
                    assertThat(replica.apply(index, history.get(i))).as("replica at %d", index).isEqualTo(expected);
                }
            }
            assertThat(snapshotOf(donor)).isEqualTo(snapshotOf(prefixOf(history, snapshotAt)));
            assertThat(snapshotOf(replica)).isEqualTo(snapshotOf(memory));
            assertThat(replica.size()).isEqualTo(memory.size());
        } finally {
            donor.close();
            replica.close();
            io.ostraka.kv.rocks.RocksKvStorageTestAccess.deleteTree(root);
        }
    }

    private static KvStateMachine prefixOf(List<byte[]> history, int length) {
        KvStateMachine machine = KvStateMachine.inMemory(CONFIG);
        for (int i = 0; i < length; i++) {
            machine.apply(i + 1, history.get(i));
        }
        return machine;
    }

    private static void restoreFrom(KvStateMachine donor, KvStateMachine replica, long index, boolean viaCheckpoint,
            Path snapshotDirectory) throws IOException {
        if (viaCheckpoint) {
            donor.snapshotTo(Files.createDirectories(snapshotDirectory));
            replica.restoreFrom(index, snapshotDirectory);
        } else {
            replica.restore(index, new ByteArrayInputStream(snapshotOf(donor)));
        }
    }

    /**
     * The runtime hands a Ready's commands over as runs ({@link KvStateMachine#applyAll}): one store
     * write, each command reading the earlier ones' writes through the batch. Cut a history into
     * random runs and it must give exactly the results and the state of one-by-one application,
     * in memory and on RocksDB (reopened afterwards, so the batched writes are what is on disk).
     */
    @Property(tries = 150)
    void applyingRunsTogetherEqualsApplyingOneByOne(@ForAll("histories") List<byte[]> history,
            @ForAll("cuts") List<Integer> cuts, @ForAll boolean onRocksDb) throws IOException {
        KvStateMachine single = KvStateMachine.inMemory(CONFIG);
        Path root = onRocksDb ? Files.createTempDirectory("kv-runs") : null;
        KvStateMachine grouped = onRocksDb ? KvStateMachine.onRocksDb(CONFIG, root.resolve("db")) : KvStateMachine.inMemory(CONFIG);
        try {
            int at = 0;
            int cut = 0;
            while (at < history.size()) {
                int length = Math.min(history.size() - at, cuts.isEmpty() ? 1 : cuts.get(cut++ % cuts.size()));
                List<byte[]> run = history.subList(at, at + length);
                List<byte[]> results = grouped.applyAll(at + 1, run);
                for (int k = 0; k < length; k++) {
                    assertThat(results.get(k)).as("result at index %d", at + 1 + k)
                            .isEqualTo(single.apply(at + 1 + k, run.get(k)));
                }
                assertThat(grouped.appliedIndex()).isEqualTo(at + length);
                at += length;
            }
            if (onRocksDb) {
                grouped.close();
                grouped = KvStateMachine.onRocksDb(CONFIG, root.resolve("db"));
            }
            assertThat(grouped.appliedIndex()).isEqualTo(single.appliedIndex());
            assertThat(snapshotOf(grouped)).isEqualTo(snapshotOf(single));
            assertThat(grouped.sessionCount()).isEqualTo(single.sessionCount());
            assertThat(grouped.size()).as("key count").isEqualTo(single.size());
        } finally {
            grouped.close();
            if (root != null) {
                io.ostraka.kv.rocks.RocksKvStorageTestAccess.deleteTree(root);
            }
        }
    }

    @Provide
    Arbitrary<List<Integer>> cuts() {
        return Arbitraries.integers().between(1, 25).list().ofMaxSize(6);
    }

    @Property(tries = 1000)
    void applyNeverThrowsOnArbitraryBytes(@ForAll("histories") List<byte[]> prefix, @ForAll byte[] junk) {
        KvStateMachine machine = KvStateMachine.inMemory(CONFIG);
        long index = 0;
        for (byte[] command : prefix) {
            KvResult.decode(machine.apply(++index, command));
        }
        KvResult result = KvResult.decode(machine.apply(++index, junk));
        assertThat(result.status()).isNotNull();
    }

    private static byte[] snapshotOf(KvStateMachine machine) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        machine.snapshot(out);
        return out.toByteArray();
    }
}
