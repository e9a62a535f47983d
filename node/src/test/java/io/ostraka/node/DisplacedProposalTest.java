package io.ostraka.node;

import static io.ostraka.node.NodeCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.ostraka.raft.Message;
import io.ostraka.raft.MessageType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A proposal whose index this node later gave to another of its proposals was truncated here, but
 * that says nothing about the other nodes: a copy on a minority can still be committed by a later
 * leader. Five real nodes, a schedule of partitions (A = 1, B = 2, C = 3; D and E = 4 and 5 only
 * vote):
 * <ol>
 *   <li>A leads and appends X1..X3 to B alone;</li>
 *   <li>C wins a term with D's and E's votes; its first entry reaches A alone, which truncates
 *       X1..X3 — C commits nothing;</li>
 *   <li>A wins the next term with D's and E's votes and proposes Y1, Y2: Y1 takes X3's index;</li>
 *   <li>B wins the next term with D's and E's votes, and commits X1..X3 from its log.</li>
 * </ol>
 * X3 was applied, so answering its caller NOT_LEADER ("did not happen") at step 3 would make a
 * retry apply it twice. The answer must be an unknown outcome (TIMEOUT).
 */
class DisplacedProposalTest {
    @TempDir
    Path dir;

    private static final Set<MessageType> VOTE_REQUESTS = Set.of(MessageType.PRE_VOTE, MessageType.VOTE);
    private static final Set<MessageType> VOTE_RESPONSES = Set.of(MessageType.PRE_VOTE_RESPONSE, MessageType.VOTE_RESPONSE);

    @Test
    void aProposalDisplacedInItsLeadersLogIsAnUnknownOutcomeAndMayStillCommit() throws Exception {
        // Proposals outlive the whole schedule: only displacement or application may answer them.
        try (NodeCluster cluster = new NodeCluster(dir, true, 5, o -> o.withRequestTimeout(Duration.ofMinutes(2)))) {
            long leader = cluster.awaitLeader();
            if (leader != 1) {
                cluster.group(leader).transferLeadership(1).get(20, TimeUnit.SECONDS);
                await(() -> cluster.group(1).isLeader(), "node 1 to lead");
            }
            long k = cluster.group(1).propose(bytes("add 1")).get(20, TimeUnit.SECONDS).index();
            await(() -> cluster.machines.values().stream().allMatch(m -> m.appliedIndex() == k), "every node to apply " + k);

            // 1. A's entries reach B only.
            cluster.network.drop = m -> m.from() == 1 && m.to() >= 3
                    && (m.type() == MessageType.APPEND || m.type() == MessageType.SNAPSHOT);
            CompletableFuture<Applied> x1 = cluster.group(1).propose(bytes("add 10"));
            CompletableFuture<Applied> x2 = cluster.group(1).propose(bytes("add 100"));
            CompletableFuture<Applied> x3 = cluster.group(1).propose(bytes("add 1000"));
            await(() -> cluster.group(2).status().lastIndex() == k + 3, "B to hold X1..X3");
            assertThat(cluster.group(1).status().committed()).isEqualTo(k);
            long termOfA = cluster.group(1).status().term();

            // 2. C leads (D and E vote, but never receive its entries); its first entry reaches A.
            cluster.network.drop = only(m ->
                    m.from() == 3 && m.to() == 1
                    || m.from() == 1 && m.to() == 3 && m.type().isResponse()
                    || m.from() == 3 && m.to() >= 4 && (VOTE_REQUESTS.contains(m.type()) || m.type() == MessageType.HEARTBEAT)
                    || m.from() >= 4 && m.to() == 3 && m.type().isResponse());
            await(() -> {
                var a = cluster.group(1).status();
                return a.term() > termOfA && a.leader() == 3 && a.lastIndex() == k + 1;
            }, "A to follow C with X1..X3 truncated");
            assertThat(cluster.group(3).status().committed()).isEqualTo(k);
            assertThat(x3).isNotDone();

            // 3. A leads again (D and E vote and hear heartbeats, but never receive its entries),
            // and proposes Y1 at X3's index.
            cluster.network.drop = only(m ->
                    m.from() == 1 && m.to() >= 4 && (VOTE_REQUESTS.contains(m.type()) || m.type() == MessageType.HEARTBEAT)
                    || m.from() >= 4 && m.to() == 1 && (VOTE_RESPONSES.contains(m.type()) || m.type() == MessageType.HEARTBEAT_RESPONSE));
            await(() -> cluster.group(1).isLeader(), "A to lead again");
            CompletableFuture<Applied> y1 = cluster.group(1).propose(bytes("add 10000"));
            CompletableFuture<Applied> y2 = cluster.group(1).propose(bytes("add 100000"));
            await(x3::isDone, "X3 to be answered once Y1 took its index");
            assertThat(cluster.group(1).status().lastIndex()).isEqualTo(k + 4);
            assertThat(failure(x3).code())
                    .as("X3 may still commit through B: its outcome is unknown, not 'did not happen'")
                    .isEqualTo(ErrorCode.TIMEOUT);

            // 4. B leads with D's and E's votes and commits X1..X3 from its own log.
            cluster.network.drop = m -> m.from() == 1 || m.to() == 1 || m.from() == 3 || m.to() == 3
                    || m.from() >= 4 && VOTE_REQUESTS.contains(m.type());
            await(() -> cluster.machines.get(2L).value() == 1111, "B to apply X1..X3");

            // 5. Healed: every node ends with X1..X3 applied once, and A's callers learn it.
            cluster.network.drop = m -> false;
            await(() -> cluster.machines.values().stream().allMatch(m -> m.value() == 1111)
                    && cluster.machines.values().stream().map(CounterMachine::appliedIndex).distinct().count() == 1,
                    "every node to apply X1..X3 and nothing else");
            assertThat(x1.get(20, TimeUnit.SECONDS).index()).isEqualTo(k + 1);
            assertThat(x2.get(20, TimeUnit.SECONDS).index()).isEqualTo(k + 2);
            await(() -> y1.isDone() && y2.isDone(), "Y1 and Y2 to be answered");
            assertThat(failure(y1).code()).as("another entry committed at Y1's index").isEqualTo(ErrorCode.NOT_LEADER);
            assertThat(failure(y2).code()).as("another entry committed at Y2's index").isEqualTo(ErrorCode.NOT_LEADER);
        }
    }

    /** A filter that drops every message among the five nodes except those {@code allowed}. */
    private static Predicate<Message> only(Predicate<Message> allowed) {
        return allowed.negate();
    }

    private static OstrakaException failure(CompletableFuture<?> future) {
        try {
            future.join();
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(OstrakaException.class);
            return (OstrakaException) e.getCause();
        }
        throw new AssertionError("completed normally: " + future.join());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
