package io.ostraka.kv;

import static io.ostraka.kv.TestBytes.b;
import static io.ostraka.kv.TestBytes.s;
import static org.assertj.core.api.Assertions.assertThat;

import io.ostraka.kv.rocks.RocksKvOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Proves crash consistency on a real crash: a child JVM ({@link CrashChild}) applies commands to a
 * RocksDB machine and is killed with SIGKILL mid-stream. Reopened, the store is exactly at some
 * applied index with everything of that index and nothing after it — counter + 1 == applied index ==
 * the session's last sequence == number of "key-i" keys + 1 — and a retry of the last applied command
 * is answered from the dedup table, not applied again. With the WAL (unsynced) nothing acknowledged
 * is lost; without it the index may fall back, but not behind the checkpoint taken at index 100.
 */
class CrashConsistencyTest {
    private static final int ACKS_BEFORE_KILL = 400;

    @TempDir
    Path directory;

    @ParameterizedTest
    @EnumSource(value = RocksKvOptions.WalMode.class, names = {"UNSYNCED", "DISABLED"})
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aKilledProcessReopensAtAConsistentAppliedIndex(RocksKvOptions.WalMode mode) throws Exception {
        Path dataDir = directory.resolve("data");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                CrashChild.class.getName(), dataDir.toString(), mode.name())
                .redirectError(directory.resolve("child.err").toFile())
                .start();
        long lastAcked = 0;
        try (BufferedReader acks = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = acks.readLine(); line != null && lastAcked < ACKS_BEFORE_KILL; line = acks.readLine()) {
                lastAcked = Long.parseLong(line.substring("acked ".length()));
            }
            child.destroyForcibly(); // SIGKILL on Unix: no shutdown hooks, no close, no flush
            child.waitFor();
        }
        assertThat(lastAcked).as("acks read from the child (its stderr: %s)", directory.resolve("child.err"))
                .isEqualTo(ACKS_BEFORE_KILL);

        try (KvStateMachine kv = KvStateMachine.onRocksDb(KvConfig.DEFAULT, dataDir,
                RocksKvOptions.DEFAULT.withWalMode(mode))) {
            long applied = kv.appliedIndex();
            if (mode == RocksKvOptions.WalMode.UNSYNCED) {
                assertThat(applied).as("nothing acknowledged is lost with the WAL").isGreaterThanOrEqualTo(lastAcked);
            } else {
                assertThat(applied).as("the checkpoint flushed index %d", CrashChild.CHECKPOINT_AT)
                        .isGreaterThanOrEqualTo(CrashChild.CHECKPOINT_AT);
            }
            // Index 1 opened the session; each index from 2 on incremented and added a key.
            assertThat(s(kv.get(b("counter")).value())).isEqualTo(Long.toString(applied - 1));
            assertThat(kv.lastSequence(1)).isEqualTo(applied);
            assertThat(kv.size()).isEqualTo(applied);
            assertThat(kv.count(b("key-"), b("key.")).integer()).isEqualTo(applied - 1);
            assertThat(kv.get(b("key-" + applied)).isOk()).isTrue();
            assertThat(kv.get(b("key-" + (applied + 1))).status()).isEqualTo(KvStatus.NOT_FOUND);

            KvResult retry = kv.apply(applied + 1, CrashChild.command(applied));
            assertThat(retry.results().get(0).integer()).as("the retry is answered from the dedup table")
                    .isEqualTo(applied - 1);
            assertThat(s(kv.get(b("counter")).value())).isEqualTo(Long.toString(applied - 1));
        }
    }
}
