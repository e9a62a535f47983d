package io.ostraka.kv;

import static io.ostraka.kv.TestBytes.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ostraka.kv.rocks.RocksKvOptions;
import io.ostraka.kv.rocks.RocksKvStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Holds {@link RocksKvStore} to the {@link KvStoreContractTest} contract, and checks what only a
 * durable store has: values, applied index, sessions and key count survive close and reopen in
 * every WAL mode, a closed store refuses use, and a directory that is not a KV store is refused.
 */
class RocksKvStoreTest extends KvStoreContractTest {
    @TempDir
    Path directory;

    @Override
    protected KvStore newStore() {
        return open(directory.resolve("db"), RocksKvOptions.DEFAULT);
    }

    private static RocksKvStore open(Path path, RocksKvOptions options) {
        try {
            return RocksKvStore.open(path, options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void everythingSurvivesReopenInEveryWalMode() {
        for (RocksKvOptions.WalMode mode : RocksKvOptions.WalMode.values()) {
            RocksKvOptions options = RocksKvOptions.DEFAULT.withWalMode(mode).withBlockCacheBytes(1 << 20);
            Path path = directory.resolve(mode.name());
            try (RocksKvStore first = open(path, options)) {
                first.write(new KvWriteBatch().put(b("k"), new VersionedValue(b("v"), 3, 2, 7)).put(b("x"),
                        VersionedValue.created(new byte[300], 7)).putSession(new KvSession(9, 2, b("res"), 7))
                        .appliedIndex(7));
            }
            try (RocksKvStore reopened = open(path, options)) {
                assertThat(reopened.get(b("k"))).as("%s", mode).isEqualTo(new VersionedValue(b("v"), 3, 2, 7));
                assertThat(reopened.appliedIndex()).isEqualTo(7);
                assertThat(reopened.size()).isEqualTo(2);
                java.util.List<KvSession> sessions = new java.util.ArrayList<>();
                reopened.forEachSession(sessions::add);
                assertThat(sessions).containsExactly(new KvSession(9, 2, b("res"), 7));
                assertThat(reopened.options()).isEqualTo(options);
                assertThat(reopened.toString()).contains("appliedIndex=7");
            }
        }
    }

    @Test
    void aBackgroundFlushReturnsAtOnceAndMovesTheMemtableIntoAnSstWhileWritesGoOn() throws Exception {
        Path path = directory.resolve("flush");
        try (RocksKvStore store = open(path, RocksKvOptions.DEFAULT)) {
            for (int i = 0; i < 1000; i++) {
                store.write(new KvWriteBatch().put(b("k" + i), VersionedValue.created(new byte[100], i + 1)).appliedIndex(i + 1));
            }
            assertThat(sstFiles(path)).as("everything is still in the memtable").isZero();
            store.startBackgroundFlush();
            store.write(new KvWriteBatch().put(b("during"), VersionedValue.created(b("v"), 1001)).appliedIndex(1001));
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (sstFiles(path) == 0) { // RocksDB's flush thread writes it; poll
                assertThat(System.nanoTime()).as("waiting for the flushed SST").isLessThan(deadline);
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
            assertThat(store.get(b("k999"))).isEqualTo(VersionedValue.created(new byte[100], 1000));
            assertThat(store.get(b("during"))).isEqualTo(VersionedValue.created(b("v"), 1001));
            assertThat(store.size()).isEqualTo(1001);
            assertThat(store.appliedIndex()).isEqualTo(1001);
        }
    }

    private static long sstFiles(Path path) throws IOException {
        try (java.util.stream.Stream<Path> files = Files.list(path)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".sst")).count();
        }
    }

    @Test
    void aClosedStoreRefusesUseAndClosingTwiceIsHarmless() {
        RocksKvStore closed = open(directory.resolve("closed"), RocksKvOptions.DEFAULT);
        closed.close();
        closed.close();
        assertThatThrownBy(() -> closed.get(b("k"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is closed");
    }

    @Test
    void aDirectoryThatIsNotAKvStoreIsRefused() throws IOException {
        Path notADatabase = directory.resolve("file");
        Files.writeString(notADatabase, "hello");
        assertThatThrownBy(() -> RocksKvStore.open(notADatabase, RocksKvOptions.DEFAULT))
                .isInstanceOf(IOException.class).hasMessageContaining("cannot open the RocksDB KV store");
        assertThatThrownBy(() -> new RocksKvOptions(-1, true, RocksKvOptions.WalMode.UNSYNCED))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
