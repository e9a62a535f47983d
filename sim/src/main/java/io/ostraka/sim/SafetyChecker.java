package io.ostraka.sim;

import io.ostraka.raft.ConfState;
import io.ostraka.raft.Entry;
import io.ostraka.raft.MemoryLog;
import io.ostraka.raft.RaftCore;
import io.ostraka.raft.Role;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The safety properties of DESIGN.md, checked as the run goes, each at the moment it could
 * first break:
 * <ul>
 *   <li><b>election safety</b> — at most one leader per term, after every event;</li>
 *   <li><b>log matching</b> — whenever a node persists an entry, the pair (index, term) must
 *       name the same payload and the same previous term everywhere; by induction two logs that
 *       agree on (index, term) then agree on everything before it;</li>
 *   <li><b>state machine safety</b> — no two nodes apply different entries at one index;</li>
 *   <li><b>leader completeness</b> — a new leader's log holds every entry known committed before
 *       its term;</li>
 *   <li><b>durable commit</b> — an entry is applied only once it is durable on a majority of the
 *       voters in force at its index (applied ≤ committed ≤ durable on a quorum);</li>
 *   <li><b>monotonic commit</b> and applied ≤ committed ≤ last index, per process lifetime.</li>
 * </ul>
 */
final class SafetyChecker {
    private final Simulation sim;
    private final TreeMap<Long, Long> leaderOfTerm = new TreeMap<>();
    /** "term/candidate" → the voters that sent it a grant in that term. */
    private final HashMap<String, java.util.TreeSet<Long>> grants = new HashMap<>();
    /** (index, term) → the entry and the term before it, as first persisted anywhere. */
    private final HashMap<String, Persisted> persisted = new HashMap<>();
    /** index → the entry first applied there, and a term by which it was known committed. */
    private final TreeMap<Long, Applied> committed = new TreeMap<>();

    /** Entries are compared by their bytes, not a hash: a collision must not hide a divergence. */
    private record Persisted(Entry entry, long previousTerm) {}

    private record Applied(Entry entry, long termKnown) {}

    SafetyChecker(Simulation sim) {
        this.sim = sim;
    }

    void onPersist(SimNode node, List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        MemoryLog log = node.disk.live();
        long first = entries.get(0).index();
        long previousTerm = first - 1 >= log.firstIndex() - 1 && first - 1 <= log.lastIndex() ? log.term(first - 1) : -1;
        for (Entry e : entries) {
            Persisted mine = new Persisted(e, previousTerm);
            Persisted seen = persisted.putIfAbsent(e.index() + "/" + e.term(), mine);
            if (seen != null) {
                sim.check(sameEntry(seen.entry(), e), "log matching", "node " + node.id + " persists a different entry "
                        + e + " than another node at the same index and term");
                sim.check(seen.previousTerm() == -1 || previousTerm == -1 || seen.previousTerm() == previousTerm, "log matching",
                        "node " + node.id + " has term " + previousTerm + " before " + e + ", another node term " + seen.previousTerm());
            }
            previousTerm = e.term();
        }
    }

    void onApply(SimNode node, Entry e) {
        long termNow = node.core().term();
        Applied agreed = committed.putIfAbsent(e.index(), new Applied(e, termNow));
        if (agreed != null) {
            sim.check(sameEntry(agreed.entry(), e), "state machine safety", "node " + node.id
                    + " applies " + e + " where another node applied " + agreed.entry());
        }
        checkDurableOnQuorum(node, e);
    }

    /**
     * With configurations taking effect on append, an entry may be committed under any
     * configuration in force from its index to the commit: it must be durable on a majority of
     * at least one of them (for a joint one, of both halves).
     */
    private void checkDurableOnQuorum(SimNode node, Entry e) {
        ConfState conf = node.appliedConf();
        if (conf.voters().isEmpty()) {
            return; // the bootstrap entry defines the first configuration
        }
        if (durableOnQuorum(conf, e)) {
            return;
        }
        // The committing configuration may be in an entry the applying node has not received
        // yet (the leader commits under it on append): look in every node's log.
        for (SimNode other : sim.nodes.values()) {
            MemoryLog log = other.disk.live();
            ConfState folded = node.appliedConf();
            long from;
            if (e.index() <= log.snapshot().index()) {
                // Compacted into a snapshot: its configuration is one in force since the entry.
                folded = log.snapshot().conf();
                if (durableOnQuorum(folded, e)) {
                    return;
                }
                from = log.snapshot().index() + 1;
            } else if (e.index() >= log.firstIndex() && e.index() <= log.lastIndex() && log.term(e.index()) == e.term()) {
                from = e.index();
            } else {
                continue;
            }
            if (from > log.lastIndex()) {
                continue;
            }
            for (Entry later : log.entries(Math.max(from, log.firstIndex()), log.lastIndex() + 1, Long.MAX_VALUE)) {
                if (later.type() == io.ostraka.raft.EntryType.CONF_CHANGE) {
                    folded = io.ostraka.raft.confchange.Changer.apply(folded, io.ostraka.raft.confchange.ConfChange.decode(later.data()));
                    if (durableOnQuorum(folded, e)) {
                        return;
                    }
                }
            }
        }
        StringBuilder where = new StringBuilder();
        for (SimNode n : sim.nodes.values()) {
            MemoryLog d = n.disk.durable();
            where.append("\n      node ").append(n.id).append(": durable snapshot ").append(d.snapshot().index())
                    .append(" log [").append(d.firstIndex()).append(", ").append(d.lastIndex()).append("]")
                    .append(holdsDurably(d, e) ? " holds it" : " lacks it");
        }
        sim.check(false, "durable commit", "node " + node.id + " applies " + e
                + " which is durable on a majority of no configuration in force since " + node.appliedConf() + where);
    }

    private boolean durableOnQuorum(ConfState conf, Entry e) {
        return majorityHolds(conf.voters(), e) && (conf.votersOutgoing().isEmpty() || majorityHolds(conf.votersOutgoing(), e));
    }

    private boolean majorityHolds(java.util.Set<Long> voters, Entry e) {
        int durable = 0;
        for (long voter : voters) {
            SimNode n = sim.nodes.get(voter);
            if (n != null && holdsDurably(n.disk.durable(), e)) {
                durable++;
            }
        }
        return durable >= voters.size() / 2 + 1;
    }

    private static boolean holdsDurably(MemoryLog log, Entry e) {
        if (e.index() <= log.snapshot().index()) {
            return true; // covered by a snapshot, which holds only committed state
        }
        return e.index() >= log.firstIndex() && e.index() <= log.lastIndex() && log.term(e.index()) == e.term();
    }

    /**
     * {@code node} became leader of {@code term}. The Ready that said so is handled after its
     * fsync, by which time the core may already have moved on to a later term: check the term
     * it was elected in, not the core's current one.
     */
    void onBecameLeader(SimNode node, long term) {
        checkElection(node, term);
        MemoryLog log = node.disk.live();
        for (Map.Entry<Long, Applied> c : committed.entrySet()) {
            long index = c.getKey();
            if (c.getValue().termKnown() >= term || index < log.firstIndex() || index > log.lastIndex()) {
                continue;
            }
            sim.check(log.term(index) == c.getValue().entry().term(), "leader completeness", "node " + node.id + " leads term "
                    + term + " without committed entry " + index + "/" + c.getValue().entry().term());
        }
    }

    /**
     * The durability contract (DESIGN.md, "Storage"): whatever a message acknowledges is durable
     * before it leaves. A granted vote needs the vote on disk (else a crash lets the node vote
     * twice in one term); an accepted append needs the entries it acknowledges.
     */
    void onSend(SimNode node, io.ostraka.raft.Message m) {
        io.ostraka.raft.HardState durable = node.disk.durable().hardState();
        if (m.type() == io.ostraka.raft.MessageType.VOTE_RESPONSE && !m.reject()) {
            grants.computeIfAbsent(m.term() + "/" + m.to(), k -> new java.util.TreeSet<>()).add(node.id);
            sim.check(durable.term() > m.term() || (durable.term() == m.term() && durable.vote() == m.to()), "durability contract",
                    "node " + node.id + " grants its vote to " + m.to() + " in term " + m.term()
                            + " while its durable hard state is " + durable);
        } else if (m.type() == io.ostraka.raft.MessageType.APPEND_RESPONSE && !m.reject() && m.index() > 0) {
            MemoryLog log = node.disk.durable();
            sim.check(m.index() <= log.lastIndex() || m.index() <= log.snapshot().index(), "durability contract",
                    "node " + node.id + " acknowledges index " + m.index() + " but has only " + log.lastIndex() + " durable");
        }
    }

    /**
     * Election legitimacy: a leader of term t was sent vote grants for term t by a majority of
     * its voters (both halves of a joint configuration), counting its own vote.
     */
    private void checkElection(SimNode node, long term) {
        RaftCore core = node.core();
        java.util.TreeSet<Long> voted = new java.util.TreeSet<>(grants.getOrDefault(term + "/" + node.id, new java.util.TreeSet<>()));
        voted.add(node.id);
        ConfState conf = core.conf();
        boolean won = majorityOf(conf.voters(), voted) && (conf.votersOutgoing().isEmpty() || majorityOf(conf.votersOutgoing(), voted));
        sim.check(won, "election legitimacy", "node " + node.id + " leads term " + term + " with grants from only "
                + voted + " in configuration " + conf);
    }

    private static boolean majorityOf(java.util.Set<Long> voters, java.util.Set<Long> voted) {
        int n = 0;
        for (long v : voters) {
            if (voted.contains(v)) {
                n++;
            }
        }
        return n >= voters.size() / 2 + 1;
    }

    /** After every event: one leader per term, monotonic commit, applied ≤ committed ≤ last. */
    void afterEvent() {
        for (SimNode n : sim.nodes.values()) {
            if (!n.isUp()) {
                continue;
            }
            RaftCore core = n.core();
            if (core.role() == Role.LEADER) {
                Long other = leaderOfTerm.putIfAbsent(core.term(), n.id);
                sim.check(other == null || other == n.id, "election safety",
                        "nodes " + other + " and " + n.id + " both lead term " + core.term());
            }
            sim.check(core.committed() >= n.lastCommitted(), "monotonic commit",
                    "node " + n.id + " commit went from " + n.lastCommitted() + " to " + core.committed());
            if (core.role() == Role.LEADER && core.committed() > n.lastCommitted()) {
                // Raft §5.4.2 (Figure 8): a leader commits by counting only entries of its own term.
                MemoryLog log = n.disk.live();
                long c = core.committed();
                if (c >= log.firstIndex() && c <= log.lastIndex()) {
                    sim.check(log.term(c) == core.term(), "commit rule", "leader " + n.id + " of term " + core.term()
                            + " advanced its commit to " + c + ", an entry of term " + log.term(c));
                }
            }
            n.noteCommitted(core.committed());
            sim.check(core.applied() <= core.committed() && core.committed() <= core.lastIndex(), "applied <= committed <= last",
                    "node " + n.id + ": applied " + core.applied() + " committed " + core.committed() + " last " + core.lastIndex());
        }
        checkLeases();
    }

    /**
     * Lease safety (thesis §6.4.1): while a leader's lease holds it may serve reads alone, so no
     * leader of a later term may exist. Paused nodes are skipped: they serve nothing until they
     * resume, and they count the ticks they missed first.
     */
    private void checkLeases() {
        for (SimNode holder : sim.nodes.values()) {
            if (!holder.isUp() || holder.isPaused() || !holder.core().leaseValid()) {
                continue;
            }
            for (SimNode other : sim.nodes.values()) {
                if (other.isUp() && other.core().role() == Role.LEADER && other.core().term() > holder.core().term()) {
                    sim.check(false, "lease safety", "node " + holder.id + " holds a lease in term " + holder.core().term()
                            + " while node " + other.id + " leads term " + other.core().term());
                }
            }
        }
    }

    long committedCount() {
        return committed.size();
    }

    private static boolean sameEntry(Entry a, Entry b) {
        return a.term() == b.term() && a.type() == b.type() && Arrays.equals(a.data(), b.data());
    }
}
