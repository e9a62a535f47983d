package io.ostraka.sim;

import java.util.SplittableRandom;

/**
 * Everything one simulation run varies, drawn from its seed ("swarm testing": each seed also
 * picks the cluster size, timings, fault rates and feature switches, so a few hundred seeds
 * cover configurations no hand-written test would combine). Times are in simulated
 * microseconds.
 *
 * @param nodes                 initial voters (1, 3, 5 or 7)
 * @param spareNodes            extra node ids membership changes may add
 * @param tickMicros            nominal tick length; each node's clock runs at its own rate
 * @param maxClockSkew          a node's clock rate is in [1 - skew, 1 + skew]
 * @param leaseMarginTicks      drift margin for leases, sized from the skew so leases stay safe
 * @param lossRate              probability a peer message is lost
 * @param duplicateRate         probability a peer message is delivered twice
 * @param latencyMinMicros      fixed part of one-way latency
 * @param latencyMeanMicros     mean of the exponential part (reordering comes from it)
 * @param slowRate              probability a peer message is held back for up to two election
 *                              timeouts, so it arrives terms later (stale votes and appends)
 * @param maxMessageBytes       entry bytes per APPEND (1 = one entry per message, as Figure 8 needs)
 * @param maxInflightMessages   APPENDs in flight per follower
 * @param fsyncMicros           mean fsync latency
 * @param faultGapMicros        mean time between injected faults
 * @param safetyMicros          length of the faulty phase
 * @param livenessMicros        bound on the healed phase in which everything must converge
 */
public record SimConfig(
        long seed,
        int nodes,
        int spareNodes,
        int electionTicks,
        int heartbeatTicks,
        long tickMicros,
        boolean preVote,
        boolean checkQuorum,
        boolean leaseReads,
        int leaseMarginTicks,
        double maxClockSkew,
        double lossRate,
        double duplicateRate,
        long latencyMinMicros,
        long latencyMeanMicros,
        double slowRate,
        long maxMessageBytes,
        int maxInflightMessages,
        long fsyncMicros,
        double tornWriteRate,
        int clients,
        int keys,
        long faultGapMicros,
        boolean crashes,
        boolean pauses,
        boolean partitions,
        boolean membership,
        boolean transfers,
        int snapshotEveryEntries,
        int trailingEntries,
        long safetyMicros,
        long livenessMicros,
        long clientTimeoutMicros) {

    /** Options a command line can pin; null leaves the choice to the seed. */
    public record Overrides(Integer nodes, Long safetyMicros, Boolean faults) {
        public static final Overrides NONE = new Overrides(null, null, null);
    }

    public static SimConfig draw(long seed, Overrides o) {
        SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
        int nodes = o.nodes() != null ? o.nodes() : new int[] {1, 3, 3, 3, 5, 5, 7}[r.nextInt(7)];
        boolean faults = o.faults() == null || o.faults();
        int electionTicks = 5 + r.nextInt(11);
        int heartbeatTicks = 1 + r.nextInt(Math.max(1, electionTicks / 4));
        double skew = r.nextInt(3) == 0 ? 0 : r.nextDouble() * 0.2;
        boolean checkQuorum = r.nextInt(4) != 0;
        boolean lease = checkQuorum && r.nextBoolean();
        // Stickiness protects the lease only while the fastest follower clock has not run out its
        // election timeout: the lease must end before (1-s)/(1+s) of it, in the leader's ticks.
        // The core itself takes one more tick off, for the phase between two nodes' ticks.
        int margin = (int) Math.ceil(electionTicks * (1 - (1 - skew) / (1 + skew)));
        long tick = 1_000 * (5 + r.nextInt(16));
        return new SimConfig(
                seed,
                nodes,
                nodes >= 3 ? 2 : 0,
                electionTicks,
                heartbeatTicks,
                tick,
                r.nextInt(5) != 0,
                checkQuorum,
                lease && margin < electionTicks - 1,
                Math.min(margin, electionTicks - 2),
                skew,
                faults ? r.nextDouble() * 0.1 : 0,
                faults ? r.nextDouble() * 0.05 : 0,
                100 + r.nextInt(400),
                r.nextInt(3) == 0 ? 5_000 : 300 + r.nextInt(1_500),
                faults && r.nextBoolean() ? r.nextDouble() * 0.05 : 0,
                new long[] {1, 64, 4096, 1 << 20}[r.nextInt(4)],
                new int[] {1, 4, 16, 256}[r.nextInt(4)],
                20 + r.nextInt(500),
                faults ? 0.5 : 0,
                2 + r.nextInt(6),
                1 + r.nextInt(5),
                !faults ? Long.MAX_VALUE / 4 : r.nextInt(3) == 0 ? 20_000 + r.nextInt(100_000) : 200_000 + r.nextInt(1_000_000),
                faults && r.nextInt(4) != 0,
                faults && r.nextInt(3) != 0,
                faults && r.nextInt(4) != 0,
                faults && nodes >= 3 && r.nextInt(3) != 0,
                faults && nodes >= 3 && r.nextInt(3) != 0,
                r.nextInt(3) == 0 ? 1_000_000 : 5 + r.nextInt(60),
                r.nextInt(10),
                o.safetyMicros() != null ? o.safetyMicros() : 8_000_000 + r.nextInt(8_000_000),
                60_000_000,
                tick * electionTicks * 6);
    }

    @Override
    public String toString() {
        return "seed=" + seed + " nodes=" + nodes + " election=" + electionTicks + "x" + tickMicros / 1000 + "ms"
                + " heartbeat=" + heartbeatTicks + " preVote=" + preVote + " checkQuorum=" + checkQuorum
                + " lease=" + leaseReads + "(margin " + leaseMarginTicks + ")"
                + String.format(java.util.Locale.ROOT, " skew=%.2f loss=%.3f dup=%.3f slow=%.3f", maxClockSkew, lossRate, duplicateRate, slowRate)
                + " msg=" + maxMessageBytes + "B/" + maxInflightMessages + " latency=" + latencyMinMicros + "+" + latencyMeanMicros + "us fsync=" + fsyncMicros + "us"
                + " clients=" + clients + " keys=" + keys + " faults[crash=" + crashes + " pause=" + pauses
                + " partition=" + partitions + " membership=" + membership + " transfer=" + transfers + "]"
                + " snapshotEvery=" + snapshotEveryEntries;
    }
}
