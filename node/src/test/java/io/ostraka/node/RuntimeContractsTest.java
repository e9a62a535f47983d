package io.ostraka.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.ostraka.log.SnapshotStore;
import io.ostraka.log.segment.NioFileIo;
import io.ostraka.raft.MemoryLog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Promises of the runtime's API, found broken by a review: a listener cannot stop a group, an
 * Error while opening a group fails the open, a transfer to a non-voter says why at once, and a
 * group cannot be opened twice.
 */
class RuntimeContractsTest {
    @TempDir
    Path dir;

    private static RaftGroup single(RaftNode node, SnapshotStore snapshots, StateMachine sm, long groupId) throws Exception {
        return node.openGroup(new GroupSpec(groupId, sm, RaftStorage.memory(new MemoryLog()), snapshots,
                List.of(MemberInfo.ofPeer(1, "node-1")), groupId));
    }

    /**
     * RaftListener's contract: "A listener that throws is logged and skipped; it cannot stop the
     * group." onApplied was called without the guard the other callbacks get.
     */
    @Test
    void aListenerWhoseOnAppliedThrowsDoesNotStopTheGroup() throws Exception {
        LocalTransport.Network network = new LocalTransport.Network();
        SnapshotStore snapshots = new SnapshotStore(dir, NioFileIo.INSTANCE, 2);
        try (RaftNode node = RaftNode.start(NodeCluster.fast(1), network.join(1, snapshots), Clock.SYSTEM)) {
            node.addListener(new RaftListener() {
                @Override
                public void onApplied(long groupId, long index, byte[] command) {
                    throw new IllegalStateException("observer bug");
                }
            });
            RaftGroup g = single(node, snapshots, new CounterMachine(), 1);
            g.awaitLeader(Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
            CompletableFuture<Applied> f = g.propose(CounterMachine.add(5));
            Throwable error = null;
            try {
                f.get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                error = e.getCause();
            }
            assertThat(g.failure()).as("the group stopped because a listener threw").isNull();
            assertThat(error).as("the proposal failed because a listener threw").isNull();
        } finally {
            network.close();
        }
    }

    /** A state machine whose appliedIndex throws an Error (a native library that failed to load, say). */
    static final class ErrorOnOpen extends GroupFailureTest.StateMachineAdapter {
        @Override
        public long appliedIndex() {
            throw new UnsatisfiedLinkError("no librocksdbjni in java.library.path");
        }
    }

    /**
     * openGroup builds the runner in a loop task that catches only IOException and
     * RuntimeException; the loop's task runner catches only RuntimeException. An Error kills the
     * loop thread: openGroup never returns and every other group on that loop stops silently.
     */
    @Test
    void anErrorWhileOpeningAGroupFailsOpenGroupAndKeepsTheLoopServingOtherGroups() throws Exception {
        LocalTransport.Network network = new LocalTransport.Network();
        SnapshotStore snapshots = new SnapshotStore(dir, NioFileIo.INSTANCE, 2);
        RaftNode node = RaftNode.start(NodeCluster.fast(1), network.join(1, snapshots), Clock.SYSTEM);
        try {
            RaftGroup other = single(node, snapshots, new CounterMachine(), 1);
            other.awaitLeader(Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
            CompletableFuture<Object> opened = CompletableFuture.supplyAsync(() -> {
                try {
                    return single(node, snapshots, new ErrorOnOpen(), 2);
                } catch (Throwable t) {
                    return t;
                }
            });
            Object result;
            try {
                result = opened.get(10, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                result = "openGroup still blocked after 10 s";
            }
            assertThat(result).as("openGroup's outcome").isInstanceOf(Throwable.class);
            CompletableFuture<Applied> f = other.propose(CounterMachine.add(1));
            assertThat(f).as("a proposal to another group on the same loop")
                    .succeedsWithin(Duration.ofSeconds(10));
        } finally {
            CompletableFuture.runAsync(node::close); // may hang on the dead loop
            network.close();
        }
    }

    /**
     * A transfer to a node that is not a voter is dropped silently by the core (Leader.transferTo
     * returns), so the caller waits out the whole request timeout and gets a TIMEOUT that does not
     * say what was wrong.
     */
    @Test
    void aTransferToANodeThatIsNotAVoterIsRefusedWithTheReason() throws Exception {
        LocalTransport.Network network = new LocalTransport.Network();
        SnapshotStore snapshots = new SnapshotStore(dir, NioFileIo.INSTANCE, 2);
        try (RaftNode node = RaftNode.start(NodeCluster.fast(1).withRequestTimeout(Duration.ofSeconds(2)),
                network.join(1, snapshots), Clock.SYSTEM)) {
            RaftGroup g = single(node, snapshots, new CounterMachine(), 1);
            g.awaitLeader(Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
            CompletableFuture<Void> done = g.transferLeadership(42);
            assertThat(done).failsWithin(Duration.ofSeconds(5))
                    .withThrowableOfType(ExecutionException.class)
                    .havingCause()
                    .isInstanceOfSatisfying(OstrakaException.class,
                            e -> assertThat(e.code()).as("error code, message: %s", e.getMessage())
                                    .isEqualTo(ErrorCode.INVALID_REQUEST));
        } finally {
            network.close();
        }
    }

    /**
     * openGroup does not check whether the group is already open on this node: a second call
     * attaches a second runner (a second core with the same node id) to the loop, both driving
     * the same log, and the first stays attached and running though group(id) no longer returns it.
     */
    @Test
    void openingAGroupThatIsAlreadyOpenIsRefused() throws Exception {
        LocalTransport.Network network = new LocalTransport.Network();
        SnapshotStore snapshots = new SnapshotStore(dir, NioFileIo.INSTANCE, 2);
        try (RaftNode node = RaftNode.start(NodeCluster.fast(1), network.join(1, snapshots), Clock.SYSTEM)) {
            MemoryLog log = new MemoryLog();
            GroupSpec spec = new GroupSpec(1, new CounterMachine(), RaftStorage.memory(log), snapshots,
                    List.of(MemberInfo.ofPeer(1, "node-1")), 1);
            node.openGroup(spec);
            Throwable second = null;
            try {
                node.openGroup(new GroupSpec(1, new CounterMachine(), RaftStorage.memory(log), snapshots,
                        List.of(MemberInfo.ofPeer(1, "node-1")), 2));
            } catch (RuntimeException | java.io.IOException e) {
                second = e;
            }
            assertThat(second).as("opening group 1 a second time").isNotNull();
        } finally {
            network.close();
        }
    }
}
