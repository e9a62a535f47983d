package io.ostraka.sim;

import io.ostraka.raft.Message;
import io.ostraka.raft.MessageType;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * The network between nodes: one-way latency of a fixed part plus an exponential part (which
 * reorders), loss, duplication, and cut links — symmetric or one-way — that the nemesis sets
 * to model isolation, majority/minority splits, bridges and asymmetric partitions.
 *
 * <p>A SNAPSHOT message carries the snapshot's bytes, as the real transport streams them next to
 * it; the sender learns whether it arrived, as the real transport reports it.
 */
final class SimNetwork {
    private final Simulation sim;
    private final SplittableRandom random;
    private final Set<String> cut = new TreeSet<>();
    private double lossRate;
    private double duplicateRate;
    private double slowRate;

    SimNetwork(Simulation sim, SplittableRandom random) {
        this.sim = sim;
        this.random = random;
        this.lossRate = sim.config.lossRate();
        this.duplicateRate = sim.config.duplicateRate();
        this.slowRate = sim.config.slowRate();
    }

    long latency() {
        double exponential = -StrictMath.log(1 - random.nextDouble()) * sim.config.latencyMeanMicros();
        return sim.config.latencyMinMicros() + (long) exponential;
    }

    void send(Message m, byte[] snapshotBytes) {
        String link = m.from() + ">" + m.to();
        if (cut.contains(link) || random.nextDouble() < lossRate) {
            lost(m);
            return;
        }
        int copies = random.nextDouble() < duplicateRate ? 2 : 1;
        for (int i = 0; i < copies; i++) {
            long delay = latency();
            if (random.nextDouble() < slowRate) {
                delay += (long) (random.nextDouble() * 2 * sim.config.tickMicros() * sim.config.electionTicks());
            }
            sim.scheduler.after(delay, "deliver " + m, () -> deliver(m, snapshotBytes));
        }
    }

    private void deliver(Message m, byte[] snapshotBytes) {
        deliver(m, snapshotBytes, -1);
    }

    /**
     * Delivers {@code m}, or, when its target is down, loses it — or, half the time, keeps it
     * for up to three election timeouts, as the real transport queues messages for a peer it is
     * reconnecting to, and delivers it to the restarted process if that comes up in time. (A
     * snapshot stream breaks with the connection.) Stale answers reaching a new process is how a
     * read context reused after a restart served an old read index in production.
     */
    private void deliver(Message m, byte[] snapshotBytes, long heldUntilMicros) {
        SimNode target = sim.nodes.get(m.to());
        if (target == null || !target.isUp()) {
            long tick = sim.config.tickMicros();
            long now = sim.scheduler.now();
            if (target != null && m.type() != MessageType.SNAPSHOT) {
                long until = heldUntilMicros >= 0 ? heldUntilMicros
                        : random.nextBoolean() ? now + 3L * sim.config.electionTicks() * tick : -1;
                if (until >= 0 && now + tick <= until) {
                    sim.scheduler.after(tick, "redeliver " + m, () -> deliver(m, snapshotBytes, until));
                    return;
                }
            }
            lost(m);
            return;
        }
        target.receive(m, snapshotBytes);
        if (m.type() == MessageType.SNAPSHOT) {
            reportSnapshot(m, true);
        }
    }

    private void lost(Message m) {
        if (m.type() == MessageType.SNAPSHOT) {
            reportSnapshot(m, false);
        }
    }

    /** The sender's transport learns the outcome of a snapshot stream one round trip later. */
    private void reportSnapshot(Message m, boolean ok) {
        SimNode sender = sim.nodes.get(m.from());
        long incarnation = sender.incarnation();
        sim.scheduler.after(latency(), "snapshot-report " + m.from() + "->" + m.to() + " " + ok,
                () -> sender.reportSnapshot(incarnation, m.to(), ok));
    }

    /**
     * {@code down} just crashed: each node that can reach it finds its port closed when its
     * broken stream reconnects (a round trip plus a reconnect delay) and reports it down, as the
     * real transport does, unless it is back by then.
     */
    void crashed(SimNode down) {
        long incarnation = down.incarnation();
        long tick = sim.config.tickMicros();
        for (SimNode n : sim.nodes.values()) {
            if (n.id == down.id || cut.contains(n.id + ">" + down.id) || cut.contains(down.id + ">" + n.id)) {
                continue;
            }
            long delay = 2 * latency() + tick / 2 + random.nextLong(tick / 2 + 1);
            long observer = n.incarnation();
            sim.scheduler.after(delay, "peer-down " + down.id + " seen by " + n.id, () -> {
                if (!down.isUp() && down.incarnation() == incarnation) {
                    n.peerDown(observer, down.id);
                }
            });
        }
    }

    void cut(long a, long b) {
        cut.add(a + ">" + b);
        cut.add(b + ">" + a);
    }

    void cutOneWay(long from, long to) {
        cut.add(from + ">" + to);
    }

    void heal() {
        cut.clear();
    }

    void setFaultRates(double loss, double duplicate, double slow) {
        lossRate = loss;
        duplicateRate = duplicate;
        slowRate = slow;
    }

    @Override
    public String toString() {
        return cut.isEmpty() ? "network healed" : "cut " + cut;
    }
}
