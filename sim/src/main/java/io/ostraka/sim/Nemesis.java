package io.ostraka.sim;

import io.ostraka.raft.ConfState;
import io.ostraka.raft.confchange.ConfChange;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The fault injector of the safety phase. At exponentially distributed intervals it picks one
 * of the faults the seed enabled: crash and later restart a node (losing unsynced writes,
 * maybe tearing the last ones); pause a node as a long GC pause would and resume it with stale
 * beliefs; partition the network (one node isolated, a majority/minority split, a bridge node
 * that sees both sides, a one-way cut); change the membership through the leader (add a
 * learner, promote it, remove a voter — the leader included); transfer leadership; start an
 * election storm (every node campaigns at once); and make clocks drift.
 */
final class Nemesis {
    private final Simulation sim;
    private final SplittableRandom random;
    private boolean active = true;

    Nemesis(Simulation sim, SplittableRandom random) {
        this.sim = sim;
        this.random = random;
    }

    void start() {
        scheduleNext();
    }

    void stop() {
        active = false;
    }

    private void scheduleNext() {
        long gap = (long) (-StrictMath.log(1 - random.nextDouble()) * sim.config.faultGapMicros());
        sim.scheduler.after(Math.max(1, gap), "nemesis", this::strike);
    }

    private long electionMicros() {
        return sim.config.tickMicros() * sim.config.electionTicks();
    }

    private void strike() {
        if (!active) {
            return;
        }
        List<Runnable> faults = new ArrayList<>();
        faults.add(this::drift);
        if (sim.config.crashes()) {
            faults.add(this::crash);
        }
        if (sim.config.pauses()) {
            faults.add(this::pause);
        }
        if (sim.config.partitions()) {
            faults.add(this::partition);
            faults.add(this::partition);
        }
        if (sim.config.membership()) {
            faults.add(this::changeMembership);
        }
        if (sim.config.transfers()) {
            faults.add(this::transfer);
        }
        if (sim.config.nodes() > 1 && random.nextInt(4) == 0) {
            faults.add(this::electionStorm);
        }
        faults.get(random.nextInt(faults.size())).run();
        scheduleNext();
    }

    private SimNode randomNode() {
        List<SimNode> all = new ArrayList<>(sim.nodes.values());
        return all.get(random.nextInt(all.size()));
    }

    private void drift() {
        for (SimNode n : sim.nodes.values()) {
            n.driftClock();
        }
    }

    private void crash() {
        SimNode n = randomNode();
        if (!n.isUp()) {
            return;
        }
        n.crash();
        sim.network.crashed(n);
        // Sometimes back almost at once (still in the term it crashed in), sometimes much later.
        long downtime = (long) (electionMicros() * (random.nextBoolean() ? random.nextDouble() * 0.3 : 0.5 + random.nextDouble() * 3));
        sim.scheduler.after(downtime, "restart " + n.id, () -> {
            if (!n.isUp()) {
                n.start();
            }
        });
    }

    private void pause() {
        SimNode n = randomNode();
        if (!n.isUp() || n.isPaused()) {
            return;
        }
        n.pause();
        sim.scheduler.note("pause " + n.id);
        long length = (long) (electionMicros() * (0.5 + random.nextDouble() * 4));
        long incarnation = n.incarnation();
        sim.scheduler.after(length, "resume " + n.id, () -> {
            if (n.incarnation() == incarnation && n.isUp() && n.isPaused()) {
                n.resume();
            }
        });
    }

    private void partition() {
        sim.network.heal();
        List<Long> ids = new ArrayList<>(sim.nodes.keySet());
        for (int i = ids.size() - 1; i > 0; i--) {
            Collections.swap(ids, i, random.nextInt(i + 1));
        }
        int kind = random.nextInt(5);
        if (kind == 0 || ids.size() < 3) {
            long isolated = ids.get(0);
            for (long other : ids) {
                if (other != isolated) {
                    sim.network.cut(isolated, other);
                }
            }
            sim.scheduler.note("partition: isolate " + isolated);
        } else if (kind == 1) {
            int split = 1 + random.nextInt(ids.size() - 1);
            cutBetween(ids.subList(0, split), ids.subList(split, ids.size()));
            sim.scheduler.note("partition: " + ids.subList(0, split) + " | " + ids.subList(split, ids.size()));
        } else if (kind == 2) {
            long bridge = ids.get(0);
            List<Long> rest = ids.subList(1, ids.size());
            int split = 1 + random.nextInt(Math.max(1, rest.size() - 1));
            cutBetween(rest.subList(0, Math.min(split, rest.size())), rest.subList(Math.min(split, rest.size()), rest.size()));
            sim.scheduler.note("partition: bridge " + bridge + " between " + rest);
        } else if (kind == 3) {
            sim.network.cutOneWay(ids.get(0), ids.get(1));
            sim.scheduler.note("partition: one-way " + ids.get(0) + " -/-> " + ids.get(1));
        } else {
            sim.scheduler.note("partition: healed");
        }
    }

    private void cutBetween(List<Long> a, List<Long> b) {
        for (long x : a) {
            for (long y : b) {
                sim.network.cut(x, y);
            }
        }
    }

    private void changeMembership() {
        SimNode leader = sim.leader();
        if (leader == null) {
            return;
        }
        ConfState conf = leader.core().conf();
        if (conf.isJoint()) {
            return;
        }
        List<Long> outsiders = new ArrayList<>();
        for (long id : sim.nodes.keySet()) {
            if (!conf.contains(id)) {
                outsiders.add(id);
            }
        }
        List<Long> learners = new ArrayList<>(conf.learners());
        List<Long> voters = new ArrayList<>(conf.voters());
        int choice = random.nextInt(4);
        ConfChange change;
        if (choice == 0 && !outsiders.isEmpty()) {
            change = ConfChange.addLearner(outsiders.get(random.nextInt(outsiders.size())));
        } else if (choice == 1 && !learners.isEmpty()) {
            change = ConfChange.addVoter(learners.get(random.nextInt(learners.size())));
        } else if (choice == 2 && voters.size() > sim.config.nodes() - 1 && voters.size() > 3) {
            change = ConfChange.remove(voters.get(random.nextInt(voters.size())));
        } else if (choice == 3 && !outsiders.isEmpty() && voters.size() >= 3) {
            // A joint change: swap a voter for a newcomer in one step.
            long out = voters.get(random.nextInt(voters.size()));
            long in = outsiders.get(random.nextInt(outsiders.size()));
            change = ConfChange.of(ConfChange.Transition.AUTO, new ConfChange.Single(ConfChange.Type.ADD_VOTER, in),
                    new ConfChange.Single(ConfChange.Type.REMOVE, out));
        } else {
            return;
        }
        sim.scheduler.note("membership via " + leader.id + ": " + change + " -> " + leader.proposeConfChange(change));
    }

    private void transfer() {
        SimNode leader = sim.leader();
        if (leader == null) {
            return;
        }
        List<Long> voters = new ArrayList<>(leader.core().conf().voters());
        long to = voters.get(random.nextInt(voters.size()));
        sim.scheduler.note("transfer " + leader.id + " -> " + to);
        leader.transferLeadership(to);
    }

    /**
     * Many nodes timing out together. With leases on, only naturally: the leader is cut off so
     * every follower's timeout runs out at about the same moment (forcing campaigns would make
     * followers abandon a leader before their timeout, which no lease can survive, and which no
     * real cluster does). Without leases, every node is also forced to campaign at once.
     */
    private void electionStorm() {
        SimNode leader = sim.leader();
        if (sim.config.leaseReads()) {
            if (leader == null) {
                return;
            }
            sim.scheduler.note("election storm: leader " + leader.id + " cut off");
            for (long other : sim.nodes.keySet()) {
                if (other != leader.id) {
                    sim.network.cut(leader.id, other);
                }
            }
            return;
        }
        if (leader != null && random.nextBoolean()) {
            // A false alarm: every follower is told the live leader's process is gone.
            sim.scheduler.note("election storm: leader " + leader.id + " falsely reported down");
            for (SimNode n : sim.nodes.values()) {
                if (n.isUp() && n != leader) {
                    n.peerDown(n.incarnation(), leader.id);
                }
            }
            return;
        }
        sim.scheduler.note("election storm");
        for (SimNode n : sim.nodes.values()) {
            if (n.isUp()) {
                n.campaign();
            }
        }
    }
}
