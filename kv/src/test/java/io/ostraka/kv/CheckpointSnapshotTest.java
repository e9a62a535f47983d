package io.ostraka.kv;

import static io.ostraka.kv.RocksStateMachineTest.fill;
import static io.ostraka.kv.RocksStateMachineTest.snapshotOf;
import static io.ostraka.kv.TestBytes.b;
import static io.ostraka.kv.TestBytes.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ostraka.kv.rocks.RocksKvOptions;
import io.ostraka.kv.rocks.RocksKvStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves checkpoint snapshots ({@code snapshotTo}/{@code restoreFrom} on RocksDB): a restored
 * machine equals the original (scans, sessions, applied index, stream snapshot bytes) and keeps
 * its state over a reopen; a checkpoint taken before later writes still restores the earlier state;
 * a damaged manifest, a damaged, missing or extra file, or a wrong index is rejected with a message
 * saying so and the current state untouched; a checkpoint taken while another thread writes is a
 * consistent cut (its applied index matches its data); and an in-memory machine's directory
 * snapshot (the stream file) restores into RocksDB.
 */
class CheckpointSnapshotTest {
    private static final KvConfig CONFIG = new KvConfig(50, 10);

    @TempDir
    Path directory;

    private KvStateMachine open(String name) {
        return KvStateMachine.onRocksDb(CONFIG, directory.resolve(name));
    }

    private Path snapshotDir(String name) throws IOException {
        return Files.createDirectories(directory.resolve(name));
    }

    @Test
    void restoredMachineEqualsTheOriginalAndSurvivesReopen() throws IOException {
        Path snapshot = snapshotDir("snap");
        byte[] expected;
        try (KvStateMachine original = open("original"); KvStateMachine fresh = open("fresh")) {
            fill(original);
            original.snapshotTo(snapshot);
            expected = snapshotOf(original);
            assertThat(Files.readString(snapshot.resolve("checkpoint.manifest"))).startsWith(
                    "ostraka-kv-checkpoint 1\napplied-index 6\n");

            fresh.restoreFrom(6, snapshot);
            assertThat(fresh.appliedIndex()).isEqualTo(6);
            assertThat(snapshotOf(fresh)).isEqualTo(expected);
            assertThat(fresh.scan(new byte[0], null, 100)).isEqualTo(original.scan(new byte[0], null, 100));
            assertThat(fresh.lastSequence(1)).isEqualTo(1);
            byte[] retry = KvCommand.increment(b("n")).withSession(1, 1).encode();
            assertThat(fresh.apply(7, retry)).isEqualTo(original.apply(7, retry));
        }
        try (KvStateMachine reopened = open("fresh")) {
            assertThat(reopened.appliedIndex()).isEqualTo(7);
            assertThat(s(reopened.get(b("n")).value())).isEqualTo("1");
        }
    }

    @Test
    void aCheckpointKeepsItsIndexWhileWritesGoOn() throws IOException {
        Path early = snapshotDir("early");
        Path late = snapshotDir("late");
        try (KvStateMachine kv = open("live"); KvStateMachine target = open("target")) {
            for (int i = 1; i <= 200; i++) {
                kv.apply(i, KvCommand.put(b("k" + (i % 50)), new byte[100]));
            }
            kv.snapshotTo(early);
            byte[] atEarly = snapshotOf(kv);
            for (int i = 201; i <= 400; i++) {
                kv.apply(i, KvCommand.put(b("k" + (i % 70)), b("v" + i)));
            }
            kv.snapshotTo(late);
            target.restoreFrom(200, early);
            assertThat(snapshotOf(target)).isEqualTo(atEarly);
            target.restoreFrom(400, late);
            assertThat(snapshotOf(target)).isEqualTo(snapshotOf(kv));
        }
    }

    @Test
    void damageIsRejectedWithAClearMessageAndTheStateUntouched() throws IOException {
        Path snapshot = snapshotDir("snap");
        try (KvStateMachine original = open("original")) {
            fill(original);
            original.snapshotTo(snapshot);
        }
        try (KvStateMachine target = open("target")) {
            target.apply(1, KvCommand.put(b("mine"), b("x")));
            byte[] before = snapshotOf(target);

            assertThatThrownBy(() -> target.restoreFrom(5, snapshot)).isInstanceOf(CorruptSnapshotException.class)
                    .hasMessage("checkpoint snapshot is of applied index 6 but was offered as index 5");

            Path manifest = snapshot.resolve("checkpoint.manifest");
            String goodManifest = Files.readString(manifest);
            Files.writeString(manifest, goodManifest.replace("applied-index 6", "applied-index 7"));
            assertThatThrownBy(() -> target.restoreFrom(7, snapshot)).isInstanceOf(CorruptSnapshotException.class)
                    .hasMessageContaining("checksum mismatch: stored CRC32C");
            Files.writeString(manifest, "garbage\n");
            assertThatThrownBy(() -> target.restoreFrom(6, snapshot)).isInstanceOf(CorruptSnapshotException.class)
                    .hasMessageContaining("no trailing crc32c line");
            Files.writeString(manifest, goodManifest);

            Path sst = largestSst(snapshot.resolve("checkpoint"));
            byte[] original = Files.readAllBytes(sst);
            byte[] flipped = original.clone();
            flipped[flipped.length / 2] ^= 0x10;
            Files.write(sst, flipped);
            assertThatThrownBy(() -> target.restoreFrom(6, snapshot)).isInstanceOf(CorruptSnapshotException.class)
                    .hasMessageContaining("checkpoint file " + sst.getFileName() + " is damaged");
            Files.delete(sst);
            assertThatThrownBy(() -> target.restoreFrom(6, snapshot)).isInstanceOf(CorruptSnapshotException.class)
                    .hasMessageContaining("missing [" + sst.getFileName() + "]");
            Files.write(sst, original);
            Files.writeString(snapshot.resolve("checkpoint").resolve("intruder"), "x");
            assertThatThrownBy(() -> target.restoreFrom(6, snapshot)).isInstanceOf(CorruptSnapshotException.class)
                    .hasMessageContaining("unexpected [intruder]");
            Files.delete(snapshot.resolve("checkpoint").resolve("intruder"));

            assertThat(target.appliedIndex()).isEqualTo(1);
            assertThat(snapshotOf(target)).isEqualTo(before);
            target.restoreFrom(6, snapshot);
            assertThat(target.appliedIndex()).isEqualTo(6);
        }
        try (Stream<Path> left = Files.list(directory.resolve("target"))) {
            assertThat(left.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("db-")).count())
                    .as("failed restores leave no staging generation behind").isEqualTo(1);
        }
    }

    @Test
    void aCheckpointTakenWhileAnotherThreadWritesIsAConsistentCut() throws Exception {
        // The state machine is single-threaded; this drives the store directly to show that a checkpoint
        // neither stops writers nor catches one half-written: key i is written with applied index i.
        Path snapshot = snapshotDir("snap");
        try (RocksKvStore store = RocksKvStore.open(directory.resolve("busy"), RocksKvOptions.DEFAULT)) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong written = new AtomicLong();
            Thread writer = new Thread(() -> {
                for (long i = 1; !stop.get() || i < 2_000; i++) {
                    store.write(new KvWriteBatch().put(key(i), VersionedValue.created(new byte[100], i))
                            .putSession(new KvSession(1, i, b("r" + i), i)).appliedIndex(i));
                    written.set(i);
                }
            });
            writer.start();
            while (written.get() < 500) {
                Thread.onSpinWait();
            }
            store.checkpoint(snapshot.resolve("checkpoint"));
            long afterCheckpoint = written.get();
            stop.set(true);
            writer.join();
            assertThat(afterCheckpoint).as("the writer went on while the checkpoint was taken").isGreaterThan(0);
        }
        try (RocksKvStore cut = RocksKvStore.open(snapshot.resolve("checkpoint"), RocksKvOptions.DEFAULT)) {
            long index = cut.appliedIndex();
            assertThat(index).isGreaterThanOrEqualTo(500);
            assertThat(cut.size()).isEqualTo(index);
            assertThat(cut.get(key(index))).isNotNull();
            assertThat(cut.get(key(index + 1))).isNull();
            List<KvSession> sessions = new java.util.ArrayList<>();
            cut.forEachSession(sessions::add);
            assertThat(sessions).containsExactly(new KvSession(1, index, b("r" + index), index));
        }
    }

    @Test
    void aStreamFormDirectorySnapshotRestoresIntoRocksDb() throws IOException {
        Path snapshot = snapshotDir("memory-snap");
        KvStateMachine memory = KvStateMachine.inMemory(CONFIG);
        fill(memory);
        memory.snapshotTo(snapshot);
        assertThat(snapshot.resolve("state.bin")).exists();
        try (KvStateMachine rocks = open("rocks")) {
            rocks.restoreFrom(6, snapshot);
            assertThat(snapshotOf(rocks)).isEqualTo(snapshotOf(memory));
        }
        KvStateMachine other = KvStateMachine.inMemory(CONFIG);
        other.restoreFrom(6, snapshot);
        assertThat(snapshotOf(other)).isEqualTo(snapshotOf(memory));
    }

    private static byte[] key(long i) {
        return String.format(java.util.Locale.ROOT, "key%08d", i).getBytes(StandardCharsets.US_ASCII);
    }

    private static Path largestSst(Path checkpoint) throws IOException {
        try (Stream<Path> files = Files.list(checkpoint)) {
            return files.filter(p -> p.toString().endsWith(".sst")).max(java.util.Comparator.comparingLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            })).orElseThrow();
        }
    }
}
