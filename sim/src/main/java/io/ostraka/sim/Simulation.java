package io.ostraka.sim;

import io.ostraka.kv.KvConfig;
import io.ostraka.raft.Role;
import io.ostraka.sim.check.CheckResult;
import io.ostraka.sim.check.LinearizabilityChecker;
import io.ostraka.sim.history.Event;
import io.ostraka.sim.history.History;
import io.ostraka.sim.history.HistoryBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * One deterministic run of a whole cluster, decided entirely by its seed (TigerBeetle's VOPR and
 * Kafka's RaftEventSimulationTest are the models).
 *
 * <ol>
 *   <li><b>Safety phase</b>: clients run their workload while the {@link Nemesis} injects faults;
 *       the {@link SafetyChecker} runs after every event.</li>
 *   <li><b>Liveness phase</b>: every fault heals (network, crashed and paused nodes), and within
 *       a bounded simulated time every client must complete new operations, all in-flight ones
 *       must finish, and every member must converge to the leader's commit index and the same
 *       state.</li>
 *   <li><b>History check</b>: the recorded client history must be linearizable (stale reads
 *       checked against the weaker session rule).</li>
 * </ol>
 * Nothing here reads a clock or an unseeded random source; one {@link SplittableRandom} seeded
 * from the seed feeds everything, in an order fixed by the event queue.
 */
public final class Simulation {
    final SimConfig config;
    final Scheduler scheduler;
    final SimNetwork network;
    final SafetyChecker safety;
    final TreeMap<Long, SimNode> nodes = new TreeMap<>();
    private final SplittableRandom random;
    private final List<SimClient> clients = new ArrayList<>();
    private final HistoryBuilder history = History.builder();
    private long operations;

    Simulation(SimConfig config, PrintStream echo) {
        this.config = config;
        this.scheduler = new Scheduler(echo);
        this.random = new SplittableRandom(config.seed());
        this.network = new SimNetwork(this, random.split());
        this.safety = new SafetyChecker(this);
    }

    /** Runs {@code config}'s seed; {@code echo} (nullable) receives every trace line as it happens. */
    public static SimResult run(SimConfig config, PrintStream echo) {
        Simulation sim = new Simulation(config, echo);
        try {
            sim.execute();
            return sim.result(true, null, null);
        } catch (SafetyViolation v) {
            return sim.result(false, v.property, v.getMessage());
        } catch (RuntimeException | AssertionError e) {
            // An invariant inside the core, or any crash, is a failure of this seed too.
            return sim.result(false, "exception", e + stackTop(e));
        }
    }

    private static String stackTop(Throwable e) {
        StringBuilder s = new StringBuilder();
        StackTraceElement[] frames = e.getStackTrace();
        for (int i = 0; i < Math.min(8, frames.length); i++) {
            s.append("\n      at ").append(frames[i]);
        }
        return s.toString();
    }

    private SimResult result(boolean passed, String property, String detail) {
        return new SimResult(config, passed, property, detail, scheduler.tail(), scheduler.digest(),
                scheduler.executed(), operations, safety.committedCount(), scheduler.now());
    }

    private void execute() {
        List<Long> voters = new ArrayList<>();
        for (long id = 1; id <= config.nodes(); id++) {
            voters.add(id);
        }
        for (long id = 1; id <= config.nodes() + config.spareNodes(); id++) {
            SimNode node = new SimNode(id, this, random.split());
            if (id <= config.nodes()) {
                node.disk.bootstrap(voters);
            }
            nodes.put(id, node);
        }
        for (SimNode n : nodes.values()) {
            n.start();
        }
        for (int p = 0; p < config.clients(); p++) {
            SimClient client = new SimClient(p, this, random.split());
            clients.add(client);
            client.start();
        }
        Nemesis nemesis = new Nemesis(this, random.split());
        nemesis.start();
        scheduler.runUntil(config.safetyMicros(), safety::afterEvent);

        nemesis.stop();
        healEverything();
        long deadline = scheduler.now() + config.livenessMicros();
        long step = config.tickMicros() * config.electionTicks();
        while (scheduler.now() < deadline && !clientsProgressed()) {
            scheduler.runUntil(scheduler.now() + step, safety::afterEvent);
        }
        check(clientsProgressed(), "liveness", "after healing, clients did not complete new operations within "
                + config.livenessMicros() / 1_000_000 + " s; " + describeNodes());
        for (SimClient c : clients) {
            c.stop();
        }
        while (scheduler.now() < deadline && !(clientsIdle() && converged())) {
            scheduler.runUntil(scheduler.now() + step, safety::afterEvent);
        }
        check(clientsIdle(), "liveness", "client operations still pending at the deadline");
        check(converged(), "convergence", "members did not converge: " + describeNodes());
        checkHistory();
    }

    private void healEverything() {
        scheduler.note("heal: network, crashed and paused nodes");
        network.heal();
        network.setFaultRates(0, 0, 0);
        for (SimNode n : nodes.values()) {
            if (!n.isUp()) {
                n.start();
            } else if (n.isPaused()) {
                n.resume();
            }
        }
        for (SimClient c : clients) {
            c.healed();
        }
    }

    private boolean clientsProgressed() {
        for (SimClient c : clients) {
            if (c.completedSinceHeal() < 1) {
                return false;
            }
        }
        return true;
    }

    private boolean clientsIdle() {
        for (SimClient c : clients) {
            if (!c.idle()) {
                return false;
            }
        }
        return true;
    }

    /** Every member of the leader's configuration applied up to its commit, with identical state. */
    private boolean converged() {
        SimNode leader = leader();
        if (leader == null) {
            return false;
        }
        long commit = leader.core().committed();
        byte[] reference = null;
        for (long id : leader.core().conf().allNodes()) {
            SimNode n = nodes.get(id);
            if (!n.isUp() || n.core().applied() != commit || n.core().leader() != leader.id) {
                return false;
            }
            byte[] state = stateOf(n);
            if (reference == null) {
                reference = state;
            } else if (!Arrays.equals(reference, state)) {
                throw new SafetyViolation("state machine safety", "node " + n.id + " applied up to " + commit
                        + " like the leader but holds a different state");
            }
        }
        return true;
    }

    private static byte[] stateOf(SimNode n) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            n.kv().snapshot(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private void checkHistory() {
        History h = history.build();
        CheckResult verdict = LinearizabilityChecker.check(h);
        check(verdict.valid(), "linearizability", verdict.report());
    }

    /** The leader of the highest term among running nodes, or null. */
    SimNode leader() {
        SimNode best = null;
        for (SimNode n : nodes.values()) {
            if (n.isUp() && !n.isPaused() && n.core().role() == Role.LEADER
                    && (best == null || n.core().term() > best.core().term())) {
                best = n;
            }
        }
        return best;
    }

    private String describeNodes() {
        StringBuilder s = new StringBuilder();
        for (SimNode n : nodes.values()) {
            s.append("\n    ").append(n);
        }
        s.append("\n    ").append(network);
        return s.toString();
    }

    // ---------------------------------------------------------------- services for the parts

    void check(boolean condition, String property, String detail) {
        if (!condition) {
            throw new SafetyViolation(property, detail);
        }
    }

    void reply(SimClient client, ClientResponse response) {
        String status = response.result() == null || response.result().isOk() ? "" : " " + response.result().status();
        scheduler.after(network.latency(), "reply to client " + client.process + " " + response.kind() + status,
                () -> client.onResponse(response));
    }

    void record(Event event) {
        history.append(event);
        if (event.type() != io.ostraka.sim.history.OpType.INVOKE) {
            operations++;
        }
    }

    long nowNanos() {
        return scheduler.now() * 1_000;
    }

    /**
     * The KV configuration of every node. One seed in three remembers few sessions (fewer than
     * there are clients) for few indexes, so sessions are evicted and expire while clients retry,
     * and the SESSION_EXPIRED paths of the clients run; the rest use the defaults.
     */
    KvConfig kvConfig() {
        long seed = config.seed();
        if (Math.floorMod(seed, 3) != 0) {
            return KvConfig.DEFAULT;
        }
        int sessionsMax = Math.max(1, config.clients() - 1);
        long idleIndexes = 20 + Math.floorMod(seed * 31, 180);
        return new KvConfig(idleIndexes, sessionsMax);
    }
}
