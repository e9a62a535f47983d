package io.ostraka.kv.bench;

import io.ostraka.kv.KvCommand;
import io.ostraka.kv.KvConfig;
import io.ostraka.kv.KvOp;
import io.ostraka.kv.KvStateMachine;
import io.ostraka.kv.rocks.RocksKvOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Not a test: apply throughput of 100-byte puts on RocksDB (each WAL mode) and in memory, and the
 * time to snapshot a store of 1 million keys (checkpoint vs stream). Plain wall-clock timing with
 * warm-up, single-threaded like the apply loop; compiled only with {@code -Pbench}.
 *
 * <pre>
 *   ./mvnw -B -o -pl kv -am install -Pbench -DskipTests -Djacoco.skip=true
 *   java -cp kv/target/classes:node/target/classes:raft/target/classes:$HOME/.m2/repository/org/rocksdb/rocksdbjni/11.8.1/rocksdbjni-11.8.1.jar \
 *       io.ostraka.kv.bench.KvStorageBench [workDir] [applies] [checkpointKeys]
 * </pre>
 */
public final class KvStorageBench {
    private static final int VALUE_BYTES = 100;

    private KvStorageBench() {}

    /** 100 bytes per key that LZ4 cannot shrink (an xorshift sequence seeded by the key), so SST sizes are honest. */
    private static byte[] value(long seed) {
        byte[] value = new byte[VALUE_BYTES];
        long x = 0x9E3779B97F4A7C15L ^ (seed * 0xBF58476D1CE4E5B9L) | 1;
        for (int i = 0; i < value.length; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            value[i] = (byte) x;
        }
        return value;
    }

    public static void main(String[] args) throws IOException {
        Path work = args.length > 0 ? Files.createDirectories(Path.of(args[0])) : Files.createTempDirectory("kv-bench");
        int applies = args.length > 1 ? Integer.parseInt(args[1]) : 300_000;
        int checkpointKeys = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
        try {
            System.out.printf(Locale.ROOT, "apply throughput, %d puts of %d-byte values (after %d warm-up)%n",
                    applies, VALUE_BYTES, applies / 5);
            applyThroughput(KvStateMachine.inMemory(), applies); // JIT warm-up of the shared apply path, not reported
            report("memory", applyThroughput(KvStateMachine.inMemory(), applies));
            for (RocksKvOptions.WalMode mode : List.of(RocksKvOptions.WalMode.UNSYNCED, RocksKvOptions.WalMode.DISABLED)) {
                try (KvStateMachine rocks = KvStateMachine.onRocksDb(KvConfig.DEFAULT, work.resolve(mode.name()),
                        RocksKvOptions.DEFAULT.withWalMode(mode))) {
                    report("rocksdb " + mode, applyThroughput(rocks, applies));
                }
            }
            try (KvStateMachine rocks = KvStateMachine.onRocksDb(KvConfig.DEFAULT, work.resolve("SYNCED"),
                    RocksKvOptions.DEFAULT.withWalMode(RocksKvOptions.WalMode.SYNCED))) {
                report("rocksdb SYNCED", applyThroughput(rocks, Math.max(applies / 100, 500)));
            }
            checkpointTime(work.resolve("checkpoint"), checkpointKeys);
        } finally {
            deleteTree(work);
        }
    }

    private static double applyThroughput(KvStateMachine machine, int applies) {
        long index = machine.appliedIndex();
        for (int i = 0; i < applies / 5; i++) {
            machine.apply(++index, KvCommand.put(key(i), value(i)).encode());
        }
        long start = System.nanoTime();
        for (int i = 0; i < applies; i++) {
            machine.apply(++index, KvCommand.put(key(scatter(i)), value(i)).encode());
        }
        long elapsedNanos = System.nanoTime() - start;
        return applies / (elapsedNanos / 1e9);
    }

    private static void checkpointTime(Path root, int keys) throws IOException {
        try (KvStateMachine rocks = KvStateMachine.onRocksDb(KvConfig.DEFAULT, root.resolve("data"),
                RocksKvOptions.DEFAULT.withWalMode(RocksKvOptions.WalMode.DISABLED))) {
            long index = 0;
            long fillStart = System.nanoTime();
            for (int i = 0; i < keys; i += 1000) {
                List<KvOp> puts = new ArrayList<>(1000);
                for (int k = i; k < Math.min(i + 1000, keys); k++) {
                    puts.add(new KvOp.Put(key(scatter(k)), value(k), KvOp.PutCondition.ALWAYS, false));
                }
                rocks.apply(++index, KvCommand.batch(puts.toArray(new KvOp[0])).encode());
            }
            System.out.printf(Locale.ROOT, "filled %d keys in %.1f s%n", rocks.size(), seconds(fillStart));
            long first = System.nanoTime();
            rocks.snapshotTo(Files.createDirectories(root.resolve("snap-1")));
            System.out.printf(Locale.ROOT, "checkpoint snapshot, %d keys, first (checksums every SST): %.0f ms, %.1f MB%n",
                    keys, millis(first), directoryBytes(root.resolve("snap-1")) / 1e6);
            for (int i = 0; i < 10_000; i++) {
                rocks.apply(++index, KvCommand.put(key(scatter(i)), value(i + 1L << 32)).encode());
            }
            long second = System.nanoTime();
            rocks.snapshotTo(Files.createDirectories(root.resolve("snap-2")));
            System.out.printf(Locale.ROOT, "checkpoint snapshot after 10k more writes (cached SST checksums): %.0f ms%n",
                    millis(second));
            long stream = System.nanoTime();
            try (OutputStream out = Files.newOutputStream(root.resolve("stream.bin"))) {
                rocks.snapshot(out);
            }
            System.out.printf(Locale.ROOT, "stream snapshot (for comparison): %.0f ms, %.1f MB%n", millis(stream),
                    Files.size(root.resolve("stream.bin")) / 1e6);
            long restore = System.nanoTime();
            try (KvStateMachine target = KvStateMachine.onRocksDb(KvConfig.DEFAULT, root.resolve("target"))) {
                target.restoreFrom(index, root.resolve("snap-2"));
                System.out.printf(Locale.ROOT, "restoreFrom checkpoint (verify + copy + reopen): %.0f ms, %d keys%n",
                        millis(restore), target.size());
            }
        }
    }

    /** Spreads keys over the key space (a bijection on [0, 2^31)) so inserts are not append-only. */
    private static int scatter(int i) {
        return (int) ((i * 2654435761L) & 0x7fffffffL);
    }

    private static byte[] key(int i) {
        return String.format(Locale.ROOT, "user:%010d", i).getBytes(StandardCharsets.US_ASCII);
    }

    private static void report(String name, double perSecond) {
        System.out.printf(Locale.ROOT, "  %-18s %,10.0f applies/s%n", name, perSecond);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static double millis(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }

    private static long directoryBytes(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
