package io.ostraka.node;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.ostraka.raft.RaftEvent;
import io.ostraka.raft.SnapshotMetadata;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * What listeners see: a leadership transfer reported started and then completed by the old
 * leader; a snapshot taken on demand (started, finished, at the snapshot's index); a learner
 * caught up through a snapshot, with the leader reporting the stream and the learner the
 * receipt and the install, in that order; every event logged with its fields as key-value
 * pairs; and a listener that throws does not stop the group.
 */
class NodeEventsTest {
    @TempDir
    Path dir;

    private static final class Recorder implements RaftListener {
        final List<NodeEvent> events = new CopyOnWriteArrayList<>();
        final List<RaftEvent> raw = new CopyOnWriteArrayList<>();

        @Override
        public void onNodeEvent(NodeEvent event) {
            events.add(event);
        }

        @Override
        public void onEvent(long nodeId, long groupId, RaftEvent event) {
            raw.add(event);
        }

        List<NodeEvent.Type> types() {
            return events.stream().map(NodeEvent::type).toList();
        }

        NodeEvent first(NodeEvent.Type type) {
            return events.stream().filter(e -> e.type() == type).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + type + " in " + events));
        }

        NodeEvent last(NodeEvent.Type type) {
            return events.stream().filter(e -> e.type() == type).reduce((a, b) -> b)
                    .orElseThrow(() -> new AssertionError("no " + type + " in " + events));
        }

        boolean has(NodeEvent.Type type) {
            return events.stream().anyMatch(e -> e.type() == type);
        }
    }

    private static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(20, TimeUnit.SECONDS);
    }

    private static Map<Long, Recorder> listen(NodeCluster c) {
        Map<Long, Recorder> recorders = new TreeMap<>();
        for (Map.Entry<Long, RaftNode> e : c.nodes.entrySet()) {
            Recorder r = new Recorder();
            e.getValue().addListener(r);
            recorders.put(e.getKey(), r);
        }
        return recorders;
    }

    @Test
    void aTransferIsReportedStartedThenCompletedByTheOldLeader() throws Exception {
        try (NodeCluster c = new NodeCluster(dir, false, 3, o -> o)) {
            long leader = c.awaitLeader();
            long target = leader == 1 ? 3 : 1;
            Map<Long, Recorder> seen = listen(c);
            get(c.group(leader).propose(CounterMachine.add(1)));
            get(c.group(leader).transferLeadership(target));
            Recorder old = seen.get(leader);
            NodeCluster.await(() -> old.has(NodeEvent.Type.LEADERSHIP_TRANSFERRED), "the transfer's completion");

            NodeEvent started = old.first(NodeEvent.Type.LEADERSHIP_TRANSFER_STARTED);
            NodeEvent done = old.first(NodeEvent.Type.LEADERSHIP_TRANSFERRED);
            assertThat(started.peer()).isEqualTo(target);
            assertThat(started.nodeId()).isEqualTo(leader);
            assertThat(started.groupId()).isEqualTo(NodeCluster.GROUP);
            assertThat(done.peer()).isEqualTo(target);
            assertThat(done.term()).isEqualTo(c.group(target).status().term()).isGreaterThan(started.term());
            assertThat(done.timeMillis()).isGreaterThanOrEqualTo(started.timeMillis());
            assertThat(old.types()).containsSubsequence(NodeEvent.Type.LEADERSHIP_TRANSFER_STARTED,
                    NodeEvent.Type.STEPPED_DOWN, NodeEvent.Type.LEADER_ELECTED, NodeEvent.Type.LEADERSHIP_TRANSFERRED);
            assertThat(old.raw).anyMatch(e -> e.type() == RaftEvent.Type.LEADERSHIP_TRANSFERRED);

            Recorder next = seen.get(target);
            NodeCluster.await(() -> next.has(NodeEvent.Type.LEADER_ELECTED) && next.last(NodeEvent.Type.LEADER_ELECTED).peer() == target,
                    "the new leader's election event");
            assertThat(next.last(NodeEvent.Type.VOTE_REQUESTED).detail()).isEqualTo("vote"); // a transfer skips pre-vote
            assertThat(next.last(NodeEvent.Type.LEADER_ELECTED)).satisfies(e -> {
                assertThat(e.peer()).isEqualTo(target);
                assertThat(e.detail()).isEqualTo("this node");
                assertThat(e.type().eventName()).isEqualTo("LeaderElected");
            });
        }
    }

    @Test
    void snapshotsTakenStreamedAndInstalledAreReported() throws Exception {
        // Durable, so a slow fsync must not cost the leader its term (see RaftNodeTest): 500 ms elections.
        try (NodeCluster c = new NodeCluster(dir, true, 3, o -> o.withSnapshots(1_000, 0).withTiming(Duration.ofMillis(10), 50, 1))) {
            long leader = c.awaitLeader();
            Map<Long, Recorder> seen = listen(c);
            for (int i = 0; i < 20; i++) {
                get(c.group(leader).propose(CounterMachine.add(1)));
            }
            SnapshotMetadata taken = get(c.group(leader).triggerSnapshot());
            Recorder lead = seen.get(leader);
            assertThat(lead.first(NodeEvent.Type.SNAPSHOT_STARTED)).satisfies(e -> {
                assertThat(e.detail()).isEqualTo("take");
                assertThat(e.index()).isEqualTo(taken.index());
            });
            assertThat(lead.first(NodeEvent.Type.SNAPSHOT_FINISHED)).satisfies(e -> {
                assertThat(e.detail()).isEqualTo("take");
                assertThat(e.index()).isEqualTo(taken.index());
                assertThat(e.term()).isEqualTo(c.group(leader).status().term());
            });
            NodeCluster.await(() -> c.group(leader).status().firstIndex() > taken.index(), "compaction behind the snapshot");

            RaftNode learner = c.start(4, false);
            Recorder four = new Recorder();
            learner.addListener(four);
            get(c.group(leader).addLearner(MemberInfo.ofPeer(4, "node-4")));
            NodeCluster.await(() -> four.has(NodeEvent.Type.SNAPSHOT_FINISHED), "the learner to install the snapshot");
            assertThat(four.types()).containsSubsequence(NodeEvent.Type.SNAPSHOT_RECEIVED, NodeEvent.Type.SNAPSHOT_STARTED,
                    NodeEvent.Type.SNAPSHOT_FINISHED);
            assertThat(four.first(NodeEvent.Type.SNAPSHOT_STARTED)).satisfies(e -> {
                assertThat(e.detail()).isEqualTo("install");
                assertThat(e.peer()).isEqualTo(leader);
                assertThat(e.index()).isGreaterThanOrEqualTo(taken.index());
            });
            NodeCluster.await(() -> lead.has(NodeEvent.Type.SNAPSHOT_TRANSFER_FINISHED), "the leader to report the stream");
            assertThat(lead.first(NodeEvent.Type.SNAPSHOT_TRANSFER_STARTED).peer()).isEqualTo(4);
            assertThat(lead.first(NodeEvent.Type.SNAPSHOT_TRANSFER_FINISHED)).satisfies(e -> {
                assertThat(e.peer()).isEqualTo(4);
                assertThat(e.bytes()).isEqualTo(e.totalBytes());
                assertThat(e.index()).isEqualTo(four.first(NodeEvent.Type.SNAPSHOT_STARTED).index());
            });
        }
    }

    @Test
    void everyEventIsLoggedWithItsFieldsAsKeyValuePairs() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(EventLog.LOGGER);
        // The loop thread appends while this thread looks: logback's ListAppender keeps a plain
        // ArrayList, so collect into a concurrent list instead.
        List<ILoggingEvent> logged = new CopyOnWriteArrayList<>();
        AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                logged.add(event);
            }
        };
        appender.start();
        logger.addAppender(appender);
        try (NodeCluster c = new NodeCluster(dir, false, 1, o -> o)) {
            c.awaitLeader();
            NodeCluster.await(() -> logged.stream().anyMatch(e -> e.getMessage().startsWith("LeaderElected")),
                    "the election to be logged");
            ILoggingEvent elected = logged.stream().filter(e -> e.getMessage().startsWith("LeaderElected"))
                    .findFirst().orElseThrow();
            Map<String, Object> fields = elected.getKeyValuePairs().stream()
                    .collect(Collectors.toMap(kv -> kv.key, kv -> kv.value));
            assertThat(fields).containsEntry("event", "LeaderElected").containsEntry("node", 1L)
                    .containsEntry("group", NodeCluster.GROUP).containsEntry("peer", 1L)
                    .containsKeys("term", "index", "detail");
            assertThat((Long) fields.get("term")).isPositive();
            assertThat(elected.getFormattedMessage()).startsWith("LeaderElected group 1 node 1 term ");
        } finally {
            logger.detachAppender(appender);
        }
    }

    @Test
    void aListenerThatThrowsDoesNotStopTheGroup() throws Exception {
        try (NodeCluster c = new NodeCluster(dir, false, 1, o -> o)) {
            c.awaitLeader();
            Recorder after = new Recorder();
            c.nodes.get(1L).addListener(new RaftListener() {
                @Override
                public void onNodeEvent(NodeEvent event) {
                    throw new IllegalStateException("a buggy listener");
                }

                @Override
                public void onEvent(long nodeId, long groupId, RaftEvent event) {
                    throw new IllegalStateException("a buggy listener");
                }
            });
            c.nodes.get(1L).addListener(after);
            get(c.group(1).propose(CounterMachine.add(1)));
            get(c.group(1).triggerSnapshot());
            get(c.group(1).propose(CounterMachine.add(1)));
            assertThat(c.group(1).failure()).isNull();
            assertThat(after.has(NodeEvent.Type.SNAPSHOT_FINISHED)).as("%s", after.events).isTrue();
        }
    }
}
