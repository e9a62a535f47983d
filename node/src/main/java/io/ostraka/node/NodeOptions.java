package io.ostraka.node;

import java.time.Duration;

/**
 * Runtime options of a node. Raft timing is expressed here in wall time and converted to ticks
 * of {@code tick}; the defaults are the seeds' defaults (100 ms heartbeat, 1 s election timeout).
 *
 * @param nodeId               this node's id
 * @param tick                 length of one Raft tick
 * @param electionTicks        election timeout in ticks (followers wait a random [T, 2T))
 * @param heartbeatTicks       heartbeat interval in ticks
 * @param preVote              pre-vote before elections
 * @param checkQuorum          leaders step down without quorum contact; enables stickiness
 * @param leaseReads           allow lease reads
 * @param leaseDriftTicks      how much shorter than the election timeout the lease is
 * @param eventLoops           event-loop threads; groups are spread over them by id
 * @param requestTimeout       proposals and reads that take longer fail with TIMEOUT
 * @param snapshotEveryEntries a group snapshots after this many applied entries
 * @param trailingEntries      entries kept behind a snapshot for slow followers
 * @param maxUncommittedBytes  proposals are refused above this much uncommitted data
 * @param snapshotEveryBytes   a group also snapshots after this many bytes of applied commands (0: off)
 * @param snapshotInterval     and after this long if anything was applied since the last one (zero: off)
 */
public record NodeOptions(
        long nodeId,
        Duration tick,
        int electionTicks,
        int heartbeatTicks,
        boolean preVote,
        boolean checkQuorum,
        boolean leaseReads,
        int leaseDriftTicks,
        int eventLoops,
        Duration requestTimeout,
        long snapshotEveryEntries,
        long trailingEntries,
        long maxUncommittedBytes,
        long snapshotEveryBytes,
        Duration snapshotInterval) {

    public NodeOptions {
        if (nodeId <= 0) {
            throw new IllegalArgumentException("nodeId must be positive, got " + nodeId);
        }
        if (tick.isNegative() || tick.isZero()) {
            throw new IllegalArgumentException("tick must be positive, got " + tick);
        }
        if (eventLoops < 1) {
            throw new IllegalArgumentException("eventLoops must be at least 1, got " + eventLoops);
        }
        if (snapshotEveryEntries < 1 || trailingEntries < 0) {
            throw new IllegalArgumentException("snapshotEveryEntries must be >= 1 and trailingEntries >= 0");
        }
        if (snapshotEveryBytes < 0 || snapshotInterval.isNegative()) {
            throw new IllegalArgumentException("snapshotEveryBytes and snapshotInterval must not be negative");
        }
    }

    public static NodeOptions defaults(long nodeId) {
        return new NodeOptions(nodeId, Duration.ofMillis(100), 10, 1, true, true, false, 1,
                Math.max(1, Runtime.getRuntime().availableProcessors()), Duration.ofSeconds(5), 100_000, 5_000, 64L << 20, 0, Duration.ZERO);
    }

    public NodeOptions withTiming(Duration tick, int electionTicks, int heartbeatTicks) {
        return new NodeOptions(nodeId, tick, electionTicks, heartbeatTicks, preVote, checkQuorum, leaseReads, leaseDriftTicks,
                eventLoops, requestTimeout, snapshotEveryEntries, trailingEntries, maxUncommittedBytes, snapshotEveryBytes, snapshotInterval);
    }

    public NodeOptions withLeaseReads(boolean enabled, int driftTicks) {
        return new NodeOptions(nodeId, tick, electionTicks, heartbeatTicks, preVote, checkQuorum, enabled, driftTicks,
                eventLoops, requestTimeout, snapshotEveryEntries, trailingEntries, maxUncommittedBytes, snapshotEveryBytes, snapshotInterval);
    }

    public NodeOptions withSnapshots(long everyEntries, long trailing) {
        return new NodeOptions(nodeId, tick, electionTicks, heartbeatTicks, preVote, checkQuorum, leaseReads, leaseDriftTicks,
                eventLoops, requestTimeout, everyEntries, trailing, maxUncommittedBytes, snapshotEveryBytes, snapshotInterval);
    }

    public NodeOptions withEventLoops(int loops) {
        return new NodeOptions(nodeId, tick, electionTicks, heartbeatTicks, preVote, checkQuorum, leaseReads, leaseDriftTicks,
                loops, requestTimeout, snapshotEveryEntries, trailingEntries, maxUncommittedBytes, snapshotEveryBytes, snapshotInterval);
    }

    public NodeOptions withRequestTimeout(Duration timeout) {
        return new NodeOptions(nodeId, tick, electionTicks, heartbeatTicks, preVote, checkQuorum, leaseReads, leaseDriftTicks,
                eventLoops, timeout, snapshotEveryEntries, trailingEntries, maxUncommittedBytes, snapshotEveryBytes, snapshotInterval);
    }

    /** Also snapshot after {@code everyBytes} of applied commands (0: off) and after {@code interval} (zero: off). */
    public NodeOptions withSnapshotPolicy(long everyBytes, Duration interval) {
        return new NodeOptions(nodeId, tick, electionTicks, heartbeatTicks, preVote, checkQuorum, leaseReads, leaseDriftTicks,
                eventLoops, requestTimeout, snapshotEveryEntries, trailingEntries, maxUncommittedBytes, everyBytes, interval);
    }
}
