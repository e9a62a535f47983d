package io.ostraka.server.metrics;

import io.ostraka.node.NodeEvent;
import io.ostraka.node.RaftListener;
import io.ostraka.node.RaftMetrics;
import io.ostraka.node.ReadLevel;
import io.ostraka.raft.SnapshotMetadata;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Locale;

/**
 * The runtime's latencies and the core's events as Prometheus instruments, per group. Called on
 * event loops: each call is a lock-free increment in the client library.
 */
final class RaftInstruments implements RaftMetrics, RaftListener {
    private static final double NANOS_PER_SECOND = 1e9;

    private final Histogram commitSeconds;
    private final Histogram applySeconds;
    private final Histogram readIndexSeconds;
    private final Histogram snapshotSeconds;
    private final Counter appliedEntries;
    private final Counter elections;
    private final Counter leaderChanges;
    private final Counter snapshotsTaken;
    private final Counter snapshotsInstalled;

    RaftInstruments(PrometheusRegistry registry) {
        commitSeconds = Histogram.builder().name("raft_commit_seconds")
                .help("Time from a proposal reaching the leader's event loop to its entry committing (on the leader).")
                .labelNames("group").classicOnly().classicUpperBounds(Buckets.LATENCY_SECONDS).withoutExemplars()
                .register(registry);
        applySeconds = Histogram.builder().name("raft_apply_seconds")
                .help("Time to apply one batch of committed entries to the state machine.")
                .labelNames("group").classicOnly().classicUpperBounds(Buckets.LATENCY_SECONDS).withoutExemplars()
                .register(registry);
        readIndexSeconds = Histogram.builder().name("raft_read_index_seconds")
                .help("Time from a linearizable, lease or follower read reaching the event loop to it being served "
                        + "(leadership confirmation plus waiting for the apply).")
                .labelNames("group", "level").classicOnly().classicUpperBounds(Buckets.LATENCY_SECONDS).withoutExemplars()
                .register(registry);
        snapshotSeconds = Histogram.builder().name("raft_snapshot_seconds")
                .help("Time to write a snapshot of the state machine.")
                .labelNames("group").classicOnly().classicUpperBounds(Buckets.SNAPSHOT_SECONDS).withoutExemplars()
                .register(registry);
        appliedEntries = Counter.builder().name("raft_applied_entries_total")
                .help("Committed entries applied to the state machine.").labelNames("group").withoutExemplars()
                .register(registry);
        elections = Counter.builder().name("raft_elections_total")
                .help("Elections this node started as a candidate (pre-vote rounds not counted).")
                .labelNames("group").withoutExemplars().register(registry);
        leaderChanges = Counter.builder().name("raft_leader_changes_total")
                .help("Leaders this node has seen elected (itself included).").labelNames("group").withoutExemplars()
                .register(registry);
        snapshotsTaken = Counter.builder().name("raft_snapshots_taken_total")
                .help("Snapshots this node wrote of its own state machine.").labelNames("group").withoutExemplars()
                .register(registry);
        snapshotsInstalled = Counter.builder().name("raft_snapshots_installed_total")
                .help("Snapshots from the leader this node installed.").labelNames("group").withoutExemplars()
                .register(registry);
    }

    private static double seconds(long nanos) {
        return nanos / NANOS_PER_SECOND;
    }

    private static String group(long groupId) {
        return Long.toString(groupId);
    }

    @Override
    public void committed(long groupId, long nanos) {
        commitSeconds.labelValues(group(groupId)).observe(seconds(nanos));
    }

    @Override
    public void applied(long groupId, int entries, long nanos) {
        applySeconds.labelValues(group(groupId)).observe(seconds(nanos));
        appliedEntries.labelValues(group(groupId)).inc(entries);
    }

    @Override
    public void readServed(long groupId, ReadLevel level, long nanos) {
        readIndexSeconds.labelValues(group(groupId), level.name().toLowerCase(Locale.ROOT)).observe(seconds(nanos));
    }

    @Override
    public void snapshotTaken(long groupId, SnapshotMetadata snapshot, long nanos) {
        snapshotSeconds.labelValues(group(groupId)).observe(seconds(nanos));
        snapshotsTaken.labelValues(group(groupId)).inc();
    }

    @Override
    public void snapshotInstalled(long groupId, SnapshotMetadata snapshot) {
        snapshotsInstalled.labelValues(group(groupId)).inc();
    }

    @Override
    public void onNodeEvent(NodeEvent event) {
        if (event.type() == NodeEvent.Type.VOTE_REQUESTED && "vote".equals(event.detail())) {
            elections.labelValues(group(event.groupId())).inc();
        } else if (event.type() == NodeEvent.Type.LEADER_ELECTED) {
            leaderChanges.labelValues(group(event.groupId())).inc();
        }
    }

    /** Makes the group's series appear (at zero) before anything happens in it. */
    void initGroup(long groupId) {
        String g = group(groupId);
        elections.initLabelValues(g);
        leaderChanges.initLabelValues(g);
        snapshotsTaken.initLabelValues(g);
        snapshotsInstalled.initLabelValues(g);
        appliedEntries.initLabelValues(g);
        commitSeconds.initLabelValues(g);
        applySeconds.initLabelValues(g);
        snapshotSeconds.initLabelValues(g);
        for (ReadLevel level : ReadLevel.values()) {
            if (level != ReadLevel.STALE) {
                readIndexSeconds.initLabelValues(g, level.name().toLowerCase(Locale.ROOT));
            }
        }
    }
}
