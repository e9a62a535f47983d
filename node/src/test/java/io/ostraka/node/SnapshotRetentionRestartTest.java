package io.ostraka.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.ostraka.log.SnapshotStore;
import io.ostraka.log.segment.NioFileIo;
import io.ostraka.raft.MemoryLog;
import io.ostraka.raft.Ready;
import io.ostraka.raft.LogView;
import io.ostraka.raft.SnapshotMetadata;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The snapshot store pruned by index alone (keep the newest {@code retained}), with no regard for
 * which snapshot the log durably names (found by review). GroupRunner commits a snapshot to the
 * store (pruning) and only then asks the log to record it, asynchronously; the transport commits
 * a received snapshot to the same store before the core has even seen it (and the core may refuse
 * it: a stale term, an index at or below its commit). With such a snapshot above the node's own,
 * the node's next snapshot pruned the one its durable log still named; a crash before the log
 * recorded the new one left a log naming a snapshot whose files were gone, and a node whose state
 * machine is rebuilt from snapshots (--storage=memory) could not open its group. The store now
 * keeps the snapshot the log names ({@link SnapshotStore#retainNamed}) on top of the newest ones.
 *
 * <p>The simulator cannot see this: SimDisk keeps three snapshot files and stores a received
 * snapshot's bytes only when the core installs it.
 */
class SnapshotRetentionRestartTest {
    @TempDir
    Path dir;

    private final LocalTransport.Network network = new LocalTransport.Network();
    private RaftNode node;

    /** Memory storage whose snapshot records can be "lost in the crash" (never made durable). */
    private static final class CrashableStorage implements RaftStorage {
        final MemoryLog log;
        final RaftStorage inner;
        volatile boolean loseSnapshotRecords;

        CrashableStorage(MemoryLog log) {
            this.log = log;
            this.inner = RaftStorage.memory(log);
        }

        @Override public LogView view() { return inner.view(); }
        @Override public CompletableFuture<Void> persist(Ready ready) { return inner.persist(ready); }

        @Override
        public CompletableFuture<Void> snapshotTaken(SnapshotMetadata snapshot, long trailingEntries) {
            // The log engine writes the COMPACT record on its writer thread, later: a crash first loses it.
            return loseSnapshotRecords ? new CompletableFuture<>() : inner.snapshotTaken(snapshot, trailingEntries);
        }
    }

    private RaftGroup open(CrashableStorage storage, SnapshotStore snapshots, CounterMachine machine) throws Exception {
        node = RaftNode.start(NodeCluster.fast(1), network.join(1, snapshots), Clock.SYSTEM);
        return node.openGroup(new GroupSpec(1, machine, storage, snapshots, List.of(MemberInfo.ofPeer(1, "node-1")), 7919));
    }

    @AfterEach
    void close() {
        if (node != null) {
            node.close();
        }
        network.close();
    }

    @Test
    void theSnapshotTheDurableLogNamesSurvivesTheNextSnapshotAndARestart() throws Exception {
        Path storeDir = dir.resolve("snapshots");
        SnapshotStore snapshots = new SnapshotStore(storeDir, NioFileIo.INSTANCE, 2);
        CrashableStorage storage = new CrashableStorage(new MemoryLog());
        RaftGroup g = open(storage, snapshots, new CounterMachine());
        NodeCluster.await(g::isLeader, "the single node leads");

        g.propose(CounterMachine.add(5)).get(10, TimeUnit.SECONDS);
        SnapshotMetadata first = g.triggerSnapshot().get(10, TimeUnit.SECONDS);
        NodeCluster.await(() -> storage.log.snapshot().index() == first.index(), "the log records the first snapshot");

        // A snapshot the transport received and committed to the store, above this node's own
        // (as LocalTransport.copySnapshot and LogSnapshotFiles do before the core sees the message),
        // which the core then refused, e.g. because it came from a deposed leader's term.
        SnapshotStore.Writer stray = snapshots.begin(1, new SnapshotMetadata(first.index() + 1000, first.term(), first.conf()));
        Files.write(stray.directory().resolve(StateMachine.SNAPSHOT_FILE), new byte[16]);
        stray.commit();

        g.propose(CounterMachine.add(7)).get(10, TimeUnit.SECONDS);
        storage.loseSnapshotRecords = true;
        SnapshotMetadata second = g.triggerSnapshot().get(10, TimeUnit.SECONDS);
        assertThat(second.index()).isGreaterThan(first.index());

        // Crash before the log engine wrote the second snapshot's record.
        node.close();
        node = null;
        long named = storage.log.snapshot().index();
        assertThat(snapshots.list(1)).as("snapshots in the store; the durable log names snapshot %d", named)
                .extracting(s -> s.metadata().index()).contains(named);

        // A restart rebuilding its state machine from the log's snapshot (as --storage=memory does).
        storage.loseSnapshotRecords = false;
        CounterMachine restarted = new CounterMachine();
        assertThatCode(() -> open(storage, snapshots, restarted)).doesNotThrowAnyException();
        NodeCluster.await(() -> restarted.value() == 12, "the restarted node recovers both writes");
    }
}
