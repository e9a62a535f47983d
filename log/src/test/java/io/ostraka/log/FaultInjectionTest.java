package io.ostraka.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ostraka.raft.Entry;
import io.ostraka.raft.HardState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Disk full, failed writes and failed fsyncs, injected through the file seam while several
 * groups append concurrently. The engine must fail the pending and every later write with
 * {@link LogEngineFailedException}, acknowledge nothing after the fault, and everything it did
 * acknowledge must be intact after a reopen on a healthy disk.
 */
class FaultInjectionTest {
    private static final int GROUPS = 3;

    @TempDir
    Path directory;

    @ParameterizedTest(name = "disk full after {0} more bytes")
    @ValueSource(longs = {0, 100, 5_000, 70_000, 150_000})
    void diskFullStopsTheEngineAndKeepsWhatWasAcknowledged(long budgetBytes) throws Exception {
        runWithFault(io -> io.setWriteBytesBudget(budgetBytes));
    }

    @ParameterizedTest(name = "fsync fails (round {0})")
    @ValueSource(longs = {1, 2})
    void aFailedFsyncIsNeverRetriedOrAcknowledged(long round) throws Exception {
        runWithFault(io -> io.failForces(true));
    }

    @ParameterizedTest(name = "writes fail (round {0})")
    @ValueSource(longs = {1})
    void aFailedWriteIsNeverAcknowledged(long round) throws Exception {
        runWithFault(io -> io.failWrites(true));
    }

    private void runWithFault(Consumer<FaultyFileIo> fault) throws Exception {
        FaultyFileIo io = new FaultyFileIo();
        LogEngineConfig config = TestEngines.small(directory).withFileIo(io);
        List<List<CompletableFuture<Void>>> futures = new ArrayList<>();
        List<List<Entry>> written = new ArrayList<>();
        Random random = new Random(7);
        try (LogEngine engine = LogEngine.open(config)) {
            for (int g = 0; g < GROUPS; g++) {
                futures.add(new ArrayList<>());
                written.add(new ArrayList<>());
            }
            for (int round = 0; round < 400; round++) {
                if (round == 100) {
                    fault.accept(io);
                }
                int g = round % GROUPS;
                long index = written.get(g).size() + 1;
                byte[] data = new byte[50 + random.nextInt(900)];
                random.nextBytes(data);
                Entry entry = Entry.normal(1, index, data);
                written.get(g).add(entry);
                futures.get(g).add(engine.group(g + 1).write(List.of(entry), new HardState(1, 1, 0)));
                if (round < 100 && round % 10 == 9) {
                    futures.get(g).get(futures.get(g).size() - 1).join();
                }
            }
            TestEngines.awaitTrue(() -> futures.stream().allMatch(list -> list.stream().allMatch(CompletableFuture::isDone)),
                    Duration.ofSeconds(20), "all writes to finish");
            assertThat(engine.failure()).isNotNull();
            long next = written.get(0).size() + 1;
            assertThatThrownBy(() -> engine.group(1).append(List.of(Entry.normal(1, next, null))))
                    .isInstanceOf(LogEngineFailedException.class);
            assertThatThrownBy(() -> engine.group(9).setHardState(new HardState(1, 0, 0)))
                    .isInstanceOf(LogEngineFailedException.class);
        } catch (LogEngineFailedException expectedOnCloseOrWrite) {
            // close() may not need to report anything; failures surfaced through futures above.
        }
        io.failForces(false);
        io.failWrites(false);
        io.setWriteBytesBudget(Long.MAX_VALUE / 2);
        try (LogEngine reopened = LogEngine.open(TestEngines.small(directory))) {
            for (int g = 0; g < GROUPS; g++) {
                checkGroup(reopened.group(g + 1), futures.get(g), written.get(g));
            }
        }
    }

    /** Acknowledged entries form a prefix of what was written, and every one of them is intact. */
    private static void checkGroup(GroupLog log, List<CompletableFuture<Void>> futures, List<Entry> written) {
        int acknowledged = 0;
        boolean failedSeen = false;
        for (CompletableFuture<Void> future : futures) {
            try {
                future.join();
                assertThat(failedSeen).as("a write acknowledged after an earlier one failed").isFalse();
                acknowledged++;
            } catch (CompletionException e) {
                assertThat(e.getCause()).isInstanceOf(LogEngineFailedException.class);
                failedSeen = true;
            }
        }
        assertThat(failedSeen).as("the fault failed some write").isTrue();
        assertThat(log.lastIndex()).isGreaterThanOrEqualTo(acknowledged);
        if (acknowledged > 0) {
            assertThat(log.entries(1, acknowledged + 1, Long.MAX_VALUE)).containsExactlyElementsOf(written.subList(0, acknowledged));
        }
        if (log.lastIndex() > 0) {
            assertThat(log.entries(1, log.lastIndex() + 1, Long.MAX_VALUE))
                    .containsExactlyElementsOf(written.subList(0, (int) log.lastIndex()));
        }
    }
}
