package io.ostraka.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.ostraka.raft.Entry;
import io.ostraka.raft.HardState;
import io.ostraka.raft.Ready;
import io.ostraka.raft.SnapshotMetadata;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An append whose entries all fall at or below a snapshot install that is accepted but not yet
 * durable produces no record of its own; its future must complete with the install's write, not
 * at once (it used to be acknowledged while nothing covering its entries was durable).
 */
class AppendUnderPendingSnapshotTest {
    @TempDir
    Path directory;

    @Test
    void appendCoveredByAPendingInstallIsNotAcknowledgedBeforeTheInstallIsDurable() throws Exception {
        FaultyFileIo io = new FaultyFileIo();
        try (LogEngine engine = LogEngine.open(TestEngines.small(directory).withFileIo(io))) {
            GroupLog log = engine.group(1);
            Ready install = new Ready(null, 0, null, List.of(), new SnapshotMetadata(100, 2, LogStoreContractTest.CONF),
                    List.of(), List.of(), List.of(), List.of(), true, false);
            CompletableFuture<Void> snapshot = log.stage(install); // queued, not yet written
            CompletableFuture<Void> append = log.appendAsync(List.of(Entry.normal(2, 99, new byte[4]), Entry.normal(2, 100, new byte[4])));
            boolean ackedEarly = append.isDone() && !append.isCompletedExceptionally();
            io.failForces(true); // the install's fsync fails: nothing about index 100 is ever durable
            engine.writeStaged();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> snapshot.get(10, java.util.concurrent.TimeUnit.SECONDS))
                    .isInstanceOf(java.util.concurrent.ExecutionException.class);
            assertThat(log.lastIndex()).isZero();
            assertThat(ackedEarly).as("append of 99..100 acknowledged before anything durable covers it").isFalse();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> append.get(10, java.util.concurrent.TimeUnit.SECONDS))
                    .as("the append fails with the install that covered it").isInstanceOf(java.util.concurrent.ExecutionException.class);
        }
    }
}
