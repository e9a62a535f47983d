package io.ostraka.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.ostraka.raft.confchange.ConfChange;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Randomized runs of a whole cluster: message loss, reordering, partitions, crashes with
 * restart, proposals, membership changes, transfers, snapshots and reads, with every safety
 * invariant of the {@link Cluster} harness checked after each step; then every fault heals and
 * the cluster must converge. This is the core's own smoke-level simulation; the full
 * deterministic simulator with disk faults and clock skew is module {@code sim}.
 */
class RandomizedClusterTest {
    private static final int SEEDS = 60;

    @Test
    void safetyHoldsAndTheClusterConvergesUnderRandomFaults() {
        for (long seed = 1; seed <= SEEDS; seed++) {
            try {
                run(seed);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + seed + " failed: " + e.getMessage(), e);
            }
        }
    }

    private static void run(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        boolean preVote = random.nextBoolean();
        boolean lease = random.nextBoolean();
        Cluster c = Cluster.with(b -> b.preVote(preVote).checkQuorum(lease || random.nextBoolean()).leaseReads(lease)
                .maxMessageBytes(1 + random.nextInt(200)).maxInflightMessages(1 + random.nextInt(8)), 1, 2, 3, 4, 5);
        c.setSeed(seed);
        List<Long> ids = new ArrayList<>(c.nodes.keySet());
        int proposals = 0;
        for (int step = 0; step < 600; step++) {
            long id = ids.get(random.nextInt(ids.size()));
            int action = random.nextInt(100);
            if (action < 35) {
                c.tick(id, 1);
            } else if (action < 55) {
                deliverSome(c, random);
            } else if (action < 70) {
                c.propose(id, "s" + seed + "p" + proposals++);
            } else if (action < 74) {
                c.heal();
                if (random.nextBoolean()) {
                    c.isolate(id);
                } else {
                    c.cut(id, ids.get(random.nextInt(ids.size())));
                }
            } else if (action < 78) {
                c.heal();
            } else if (action < 80) {
                c.crashAndRestart(id);
            } else if (action < 83) {
                c.core(id).transferLeadership(ids.get(random.nextInt(ids.size())));
                c.process(id);
            } else if (action < 86) {
                long target = ids.get(random.nextInt(ids.size()));
                ConfChange change = random.nextBoolean() ? ConfChange.addLearner(target) : ConfChange.addVoter(target);
                c.proposeConf(id, change);
            } else if (action < 89) {
                if (c.core(id).applied() > c.node(id).log.snapshot().index() && c.core(id).applied() >= c.node(id).log.firstIndex()) {
                    c.snapshot(id, random.nextInt(3));
                }
            } else if (action < 95) {
                c.core(id).readIndex(step);
                c.process(id);
            } else {
                c.dropMatching(m -> random.nextInt(4) == 0);
            }
        }
        // Liveness: heal everything, make sure every node is a voter, and run until converged.
        c.heal();
        for (int round = 0; round < 400; round++) {
            c.tickAll(1);
            c.stabilize();
            long leader = c.leader();
            if (leader != 0 && round % 20 == 0) {
                for (long id : ids) {
                    if (!c.core(leader).conf().voters().contains(id) && !c.core(leader).conf().isJoint()) {
                        c.proposeConf(leader, ConfChange.addVoter(id));
                    }
                }
            }
            if (converged(c)) {
                break;
            }
        }
        assertThat(converged(c)).as("seed %d did not converge%n%s", seed, c.dump()).isTrue();
    }

    private static void deliverSome(Cluster c, SplittableRandom random) {
        int n = 1 + random.nextInt(Math.max(1, c.network.size()));
        for (int i = 0; i < n && !c.network.isEmpty(); i++) {
            List<Message> queue = new ArrayList<>(c.network);
            Message m = queue.get(random.nextInt(Math.min(queue.size(), 4))); // mild reordering
            c.network.remove(m);
            if (random.nextInt(10) == 0) {
                c.network.addLast(m); // duplicate
            }
            c.deliver(m);
        }
    }

    private static boolean converged(Cluster c) {
        long leader = c.leader();
        if (leader == 0) {
            return false;
        }
        long committed = c.core(leader).committed();
        for (Cluster.Node n : c.nodes.values()) {
            if (n.core.applied() != committed || n.core.leader() != leader) {
                return false;
            }
        }
        return c.core(leader).conf().voters().size() == c.nodes.size();
    }
}
