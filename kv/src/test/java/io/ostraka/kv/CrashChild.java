package io.ostraka.kv;

import io.ostraka.kv.rocks.RocksKvOptions;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The child JVM of {@link CrashConsistencyTest}: applies commands to a RocksDB machine until it is
 * killed, printing "acked i" after command i's apply returned. Command 1 opens session 1; command
 * i > 1 (session 1, sequence i) is a batch that increments "counter" and puts "key-i"; at index 100 it takes a checkpoint
 * snapshot (which flushes the memtables). Stops by itself after {@link #APPLIES_MAX} commands.
 */
public final class CrashChild {
    static final int APPLIES_MAX = 1_000_000;
    static final int CHECKPOINT_AT = 100;

    private CrashChild() {}

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        RocksKvOptions options = RocksKvOptions.DEFAULT.withWalMode(RocksKvOptions.WalMode.valueOf(args[1]));
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (KvStateMachine kv = KvStateMachine.onRocksDb(KvConfig.DEFAULT, dataDir, options)) {
            for (long i = kv.appliedIndex() + 1; i <= APPLIES_MAX; i++) {
                kv.apply(i, command(i));
                if (i == CHECKPOINT_AT) {
                    kv.snapshotTo(Files.createDirectories(dataDir.resolveSibling("snapshot-" + i)));
                }
                out.println("acked " + i);
            }
        }
    }

    static KvCommand command(long i) {
        if (i == 1) {
            return KvCommand.openSession(); // session 1
        }
        return KvCommand.batch(new KvOp.Increment(TestBytes.b("counter"), 1),
                new KvOp.Put(TestBytes.b("key-" + i), new byte[100], KvOp.PutCondition.ALWAYS, false))
                .withSession(1, i);
    }
}
