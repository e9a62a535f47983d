package io.ostraka.node;

import io.ostraka.log.GroupLog;
import io.ostraka.raft.LogView;
import io.ostraka.raft.MemoryLog;
import io.ostraka.raft.Ready;
import io.ostraka.raft.SnapshotMetadata;
import java.util.concurrent.CompletableFuture;

/**
 * Where a group's Raft state lives: the durable log engine, or memory. The runtime persists a
 * {@link Ready} through it and waits for the future before sending the Ready's messages.
 */
public interface RaftStorage {
    /** What the core reads; reflects a persist once its future completed. */
    LogView view();

    /**
     * Persists a Ready's snapshot, entries and hard state; completes once durable. The write may
     * wait until {@link #writeStaged()} is called: the runtime calls it at the end of every loop
     * iteration, so all the groups of a loop share one write and one fsync, done on the loop's
     * own thread.
     */
    CompletableFuture<Void> persist(Ready ready);

    /** Writes out what {@link #persist} deferred, on the calling thread; by default there is nothing. */
    default void writeStaged() {
    }

    /** Records a snapshot taken at {@code snapshot.index()} and compacts behind it. */
    CompletableFuture<Void> snapshotTaken(SnapshotMetadata snapshot, long trailingEntries);

    static RaftStorage durable(GroupLog log) {
        return new RaftStorage() {
            @Override
            public LogView view() {
                return log;
            }

            @Override
            public CompletableFuture<Void> persist(Ready ready) {
                return log.stage(ready);
            }

            @Override
            public void writeStaged() {
                log.writeStaged();
            }

            @Override
            public CompletableFuture<Void> snapshotTaken(SnapshotMetadata snapshot, long trailingEntries) {
                return log.createSnapshotAsync(snapshot, trailingEntries);
            }
        };
    }

    /** In memory, for tests and {@code --storage=memory}: nothing survives the process. */
    static RaftStorage memory(MemoryLog log) {
        return new RaftStorage() {
            @Override
            public LogView view() {
                return log;
            }

            @Override
            public CompletableFuture<Void> persist(Ready ready) {
                if (ready.snapshot() != null) {
                    log.installSnapshot(ready.snapshot());
                }
                log.append(ready.entries());
                if (ready.hardState() != null) {
                    log.setHardState(ready.hardState());
                }
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public CompletableFuture<Void> snapshotTaken(SnapshotMetadata snapshot, long trailingEntries) {
                log.createSnapshot(snapshot, trailingEntries);
                return CompletableFuture.completedFuture(null);
            }
        };
    }
}
