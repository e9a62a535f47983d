package io.ostraka.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real crashes: a child JVM ({@link CrashChild}) appends to the log and prints every index once
 * it is acknowledged durable; the test SIGKILLs it at a random moment, reopens the log and
 * requires every acknowledged entry intact, the entries contiguous and well formed (nothing
 * after a gap, no garbage), then lets the next round continue on the same files.
 */
class CrashConsistencyTest {
    private static final int ROUNDS = 15;

    @TempDir
    Path directory;

    @Test
    void everyAcknowledgedEntrySurvivesSigkill() throws Exception {
        Random random = new Random(2026);
        ConcurrentHashMap<Long, Long> acknowledged = new ConcurrentHashMap<>();
        for (int round = 1; round <= ROUNDS; round++) {
            int ackTarget = 20 + random.nextInt(3000);
            Process child = start(round);
            AtomicInteger acks = new AtomicInteger();
            Thread reader = readAcks(child, acknowledged, acks);
            TestEngines.awaitTrue(() -> acks.get() >= ackTarget || !child.isAlive(), Duration.ofSeconds(20),
                    "round " + round + ": " + ackTarget + " acknowledgements");
            assertThat(child.isAlive()).as("child still running in round " + round).isTrue();
            child.destroyForcibly();
            child.waitFor();
            reader.join();
            verify(acknowledged, round);
        }
    }

    private Process start(int round) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                CrashChild.class.getName(), directory.resolve("log").toString(), Integer.toString(round));
        builder.redirectError(directory.resolve("child-" + round + ".err").toFile());
        return builder.start();
    }

    private static Thread readAcks(Process child, ConcurrentHashMap<Long, Long> acknowledged, AtomicInteger acks) {
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    String[] parts = line.split(" ");
                    if (parts.length == 2) {
                        acknowledged.merge(Long.parseLong(parts[0]), Long.parseLong(parts[1]), Math::max);
                        acks.incrementAndGet();
                    }
                }
            } catch (IOException | NumberFormatException ignored) {
                // The child was killed mid-line: a partial line is not an acknowledgement.
            }
        }, "child-stdout");
        reader.start();
        return reader;
    }

    private void verify(ConcurrentHashMap<Long, Long> acknowledged, int round) throws IOException {
        try (LogEngine engine = LogEngine.open(CrashChild.config(directory.resolve("log")))) {
            for (long group = 1; group <= CrashChild.GROUPS; group++) {
                GroupLog log = engine.group(group);
                long acked = acknowledged.getOrDefault(group, 0L);
                assertThat(log.lastIndex()).as("round %d group %d: last index vs acknowledged", round, group).isGreaterThanOrEqualTo(acked);
                if (log.lastIndex() < log.firstIndex()) {
                    continue;
                }
                List<io.ostraka.raft.Entry> entries = log.entries(log.firstIndex(), log.lastIndex() + 1, Long.MAX_VALUE);
                assertThat(entries).hasSize((int) (log.lastIndex() - log.firstIndex() + 1));
                for (io.ostraka.raft.Entry entry : entries) {
                    assertThat(entry).as("round %d group %d entry %d", round, group, entry.index())
                            .isEqualTo(CrashChild.entry(group, entry.index(), entry.term()));
                }
            }
        }
    }
}
