package io.ostraka.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.ostraka.raft.confchange.ConfChange;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A test cluster of real {@link RaftCore}s on {@link MemoryLog}s, driven one message at a time.
 *
 * <p>It plays the runtime exactly as {@link Ready} prescribes (persist, send, apply, advance),
 * keeps a trace of what happened for failing tests to print, and after every delivered message
 * checks the safety invariants of DESIGN.md across all nodes: one leader per term, log matching,
 * state machine safety, monotonic commit, leader completeness, applied ≤ committed ≤ last.
 */
final class Cluster {
    final TreeMap<Long, Node> nodes = new TreeMap<>();
    final ArrayDeque<Message> network = new ArrayDeque<>();
    final List<String> trace = new ArrayList<>();
    private final Set<String> cutLinks = new HashSet<>();
    private final TreeMap<Long, Long> leaderOfTerm = new TreeMap<>();
    /** Every committed (index → entry) anyone applied; what all nodes must agree on. */
    private final TreeMap<Long, Entry> committedEverywhere = new TreeMap<>();
    /** index → a term by which the entry was known committed (at least its commit term). */
    private final TreeMap<Long, Long> committedByTerm = new TreeMap<>();
    private final Consumer<RaftConfig.Builder> configure;
    /** What a (re)started core reads its log through; a test may interpose, as a racing runtime would. */
    java.util.function.Function<MemoryLog, LogView> viewOf = log -> log;
    private long seed = 1;

    /** One member: its durable log, its core, and what its "state machine" applied. */
    final class Node {
        final long id;
        MemoryLog log;
        RaftCore core;
        final TreeMap<Long, Entry> applied = new TreeMap<>();
        final List<ReadState> readStates = new ArrayList<>();
        final List<RaftEvent> events = new ArrayList<>();
        long lastCommitted;

        Node(long id, MemoryLog log) {
            this.id = id;
            this.log = log;
            start(0);
        }

        void start(long appliedIndex) {
            RaftConfig.Builder b = RaftConfig.builder(id, 1).appliedIndex(appliedIndex);
            configure.accept(b);
            core = new RaftCore(b.build(), viewOf.apply(log), new SplittableRandom(seed * 1_000 + id));
            lastCommitted = core.committed();
        }
    }

    private Cluster(Consumer<RaftConfig.Builder> configure) {
        this.configure = configure;
    }

    /** A bootstrapped group whose voters are {@code ids}, with default options. */
    static Cluster of(long... ids) {
        return with(b -> { }, ids);
    }

    /** A bootstrapped group whose voters are {@code ids}, with options adjusted by {@code configure}. */
    static Cluster with(Consumer<RaftConfig.Builder> configure, long... ids) {
        Cluster c = new Cluster(configure);
        List<Long> voters = Arrays.stream(ids).boxed().toList();
        for (long id : ids) {
            MemoryLog log = new MemoryLog();
            RaftCore.bootstrap(log, voters);
            c.nodes.put(id, c.new Node(id, log));
        }
        return c;
    }

    /**
     * A group of voters {@code logs.keySet()} whose logs hold entries of the given terms at
     * indexes 1, 2, … (index 1 is always the bootstrap configuration entry and must be term 1);
     * each node's persisted term is the largest of {@code currentTerm} and its last entry's.
     */
    static Cluster withLogs(Consumer<RaftConfig.Builder> configure, long currentTerm, Map<Long, long[]> logs) {
        Cluster c = new Cluster(configure);
        List<Long> voters = List.copyOf(new java.util.TreeSet<>(logs.keySet()));
        for (Map.Entry<Long, long[]> e : new TreeMap<>(logs).entrySet()) {
            MemoryLog log = new MemoryLog();
            RaftCore.bootstrap(log, voters);
            long[] terms = e.getValue();
            assertThat(terms[0]).as("index 1 is the bootstrap entry of term 1").isEqualTo(1);
            List<Entry> rest = new ArrayList<>();
            for (int i = 1; i < terms.length; i++) {
                rest.add(Entry.normal(terms[i], i + 1, ("t" + terms[i] + "i" + (i + 1)).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            }
            log.append(rest);
            log.setHardState(new HardState(Math.max(currentTerm, terms[terms.length - 1]), 0, 1));
            c.nodes.put(e.getKey(), c.new Node(e.getKey(), log));
        }
        return c;
    }

    /** The terms of node {@code id}'s persisted log entries, from index 1. */
    List<Long> termsOf(long id) {
        MemoryLog log = nodes.get(id).log;
        List<Long> terms = new ArrayList<>();
        for (long i = log.firstIndex(); i <= log.lastIndex(); i++) {
            terms.add(log.term(i));
        }
        return terms;
    }

    /** Adds a node with an empty log that is not (yet) a member: it joins when a leader adds it. */
    Node addEmptyNode(long id) {
        Node n = new Node(id, new MemoryLog());
        nodes.put(id, n);
        return n;
    }

    Node node(long id) {
        return nodes.get(id);
    }

    RaftCore core(long id) {
        return nodes.get(id).core;
    }

    // ---------------------------------------------------------------- network control

    void cut(long a, long b) {
        cutLinks.add(a + ">" + b);
        cutLinks.add(b + ">" + a);
    }

    void cutOneWay(long from, long to) {
        cutLinks.add(from + ">" + to);
    }

    /** Cuts every link between the two sides. */
    void partition(long[] sideA, long[] sideB) {
        for (long a : sideA) {
            for (long b : sideB) {
                cut(a, b);
            }
        }
    }

    void isolate(long id) {
        for (long other : nodes.keySet()) {
            if (other != id) {
                cut(id, other);
            }
        }
    }

    void heal() {
        cutLinks.clear();
    }

    // ---------------------------------------------------------------- driving

    void tick(long id, int times) {
        for (int i = 0; i < times; i++) {
            core(id).tick();
            process(id);
        }
    }

    void tickAll(int times) {
        for (int i = 0; i < times; i++) {
            for (long id : nodes.keySet()) {
                core(id).tick();
                process(id);
            }
        }
    }

    /** Node {@code id} campaigns and the cluster runs until quiet; returns the leader. */
    long elect(long id) {
        core(id).campaign();
        process(id);
        stabilize();
        assertThat(core(id).role()).as("node %d should have won the election%n%s", id, dump()).isEqualTo(Role.LEADER);
        return id;
    }

    /** Delivers messages (and everything they cause) until the network is empty. */
    int stabilize() {
        int delivered = 0;
        while (!network.isEmpty()) {
            deliver(network.pollFirst());
            delivered++;
            if (delivered > 100_000) {
                throw new AssertionError("no quiescence after 100000 messages\n" + dump());
            }
        }
        return delivered;
    }

    /**
     * {@link #stabilize()}, then one tick on every leader and {@link #stabilize()} again: a leader
     * tells its followers a commit advance with the next message it sends them, at the latest on
     * its next tick, so a follower's commit and applied state settle only then.
     */
    int settle() {
        int delivered = stabilize();
        for (long id : nodes.keySet()) {
            if (core(id).role() == Role.LEADER) {
                core(id).tick();
                process(id);
            }
        }
        return delivered + stabilize();
    }

    /** Like {@link #stabilize()}, but messages that match {@code dropped} are lost instead. */
    int stabilizeExcept(Predicate<Message> dropped) {
        int delivered = 0;
        while (!network.isEmpty()) {
            Message m = network.pollFirst();
            if (dropped.test(m)) {
                lost(m, "lost ");
                continue;
            }
            deliver(m);
            delivered++;
            if (delivered > 100_000) {
                throw new AssertionError("no quiescence after 100000 messages\n" + dump());
            }
        }
        return delivered;
    }

    /**
     * Like {@link #stabilize()}, but every message first passes through {@code network}, which
     * may rewrite it (as if the sender had sent less) or return null to lose it.
     */
    int stabilizeThrough(java.util.function.UnaryOperator<Message> filter) {
        int delivered = 0;
        while (!network.isEmpty()) {
            Message original = network.pollFirst();
            Message m = filter.apply(original);
            if (m == null) {
                lost(original, "lost ");
            } else {
                deliver(m);
                delivered++;
            }
            if (delivered > 100_000) {
                throw new AssertionError("no quiescence after 100000 messages\n" + dump());
            }
        }
        return delivered;
    }

    /** Delivers only the queued messages that match, in order; the rest stay queued. */
    int deliverMatching(Predicate<Message> which) {
        List<Message> selected = new ArrayList<>();
        network.removeIf(m -> which.test(m) && selected.add(m));
        for (Message m : selected) {
            deliver(m);
        }
        return selected.size();
    }

    /** Drops the queued messages that match. */
    int dropMatching(Predicate<Message> which) {
        List<Message> dropped = new ArrayList<>();
        network.removeIf(m -> which.test(m) && dropped.add(m));
        for (Message m : dropped) {
            lost(m, "lost ");
        }
        return dropped.size();
    }

    List<Message> queued(Predicate<Message> which) {
        return network.stream().filter(which).toList();
    }

    void deliver(Message m) {
        Node target = nodes.get(m.to());
        if (target == null || cutLinks.contains(m.from() + ">" + m.to())) {
            lost(m, "drop ");
            return;
        }
        trace.add("deliver " + m);
        target.core.step(m);
        process(m.to());
        if (m.type() == MessageType.SNAPSHOT && nodes.containsKey(m.from())) {
            // The snapshot's bytes travel with the message here; tell the sender, as a transport would.
            core(m.from()).reportSnapshot(m.to(), true);
            process(m.from());
        }
    }

    /** A message that never arrives; a lost snapshot is reported to its sender, as a transport would. */
    private void lost(Message m, String why) {
        trace.add(why + m);
        if (m.type() == MessageType.SNAPSHOT && nodes.containsKey(m.from())) {
            core(m.from()).reportSnapshot(m.to(), false);
        }
    }

    /** Handles every Ready of node {@code id} the way a runtime must. */
    void process(long id) {
        Node n = nodes.get(id);
        while (n.core.hasReady()) {
            Ready rd = n.core.ready();
            if (rd.snapshot() != null) {
                n.log.installSnapshot(rd.snapshot());
            }
            n.log.append(rd.entries());
            if (rd.hardState() != null) {
                n.log.setHardState(rd.hardState());
            }
            for (Message m : rd.messages()) {
                network.addLast(m);
            }
            if (rd.snapshot() != null) {
                installStateFromPeers(n, rd.snapshot());
            }
            for (Entry e : rd.committedEntries()) {
                n.applied.put(e.index(), e);
            }
            n.readStates.addAll(rd.readStates());
            n.events.addAll(rd.events());
            n.core.advance(rd);
            checkInvariants();
        }
    }

    /** Installing a snapshot replaces a node's state machine by the one everybody agrees on. */
    private void installStateFromPeers(Node n, SnapshotMetadata snapshot) {
        n.applied.clear();
        n.applied.putAll(committedEverywhere.headMap(snapshot.index(), true));
    }

    /** Simulates a crash: everything not persisted is lost; the node restarts from its log. */
    void crashAndRestart(long id) {
        Node n = nodes.get(id);
        network.removeIf(m -> m.from() == id || m.to() == id);
        n.applied.clear();
        n.readStates.clear();
        n.applied.putAll(committedEverywhere.headMap(n.log.snapshot().index(), true));
        n.start(n.log.snapshot().index());
        trace.add("restart " + id);
    }

    // ---------------------------------------------------------------- client operations

    ProposeResult propose(long id, String data) {
        ProposeResult r = core(id).propose(data.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        process(id);
        return r;
    }

    ProposeResult proposeConf(long id, ConfChange change) {
        ProposeResult r = core(id).proposeConfChange(change);
        process(id);
        return r;
    }

    /** Takes a snapshot at the node's applied index and compacts behind it. */
    void snapshot(long id, long trailingEntries) {
        Node n = nodes.get(id);
        long index = n.core.applied();
        SnapshotMetadata meta = new SnapshotMetadata(index, n.log.term(index), n.core.conf());
        n.log.createSnapshot(meta, trailingEntries);
    }

    /** The single current leader, or 0. */
    long leader() {
        long found = 0;
        long bestTerm = -1;
        for (Node n : nodes.values()) {
            if (n.core.role() == Role.LEADER && n.core.term() > bestTerm) {
                found = n.id;
                bestTerm = n.core.term();
            }
        }
        return found;
    }

    List<String> appliedData(long id) {
        List<String> out = new ArrayList<>();
        for (Entry e : nodes.get(id).applied.values()) {
            if (e.type() == EntryType.NORMAL && e.data().length > 0) {
                out.add(new String(e.data(), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- invariants

    void checkInvariants() {
        for (Node n : nodes.values()) {
            RaftCore c = n.core;
            if (c.role() == Role.LEADER) {
                Long previous = leaderOfTerm.putIfAbsent(c.term(), n.id);
                assertThat(previous == null || previous == n.id)
                        .as("election safety: term %d has leaders %s and %d%n%s", c.term(), previous, n.id, dump()).isTrue();
            }
            assertThat(c.committed()).as("commit of node %d went backwards", n.id).isGreaterThanOrEqualTo(n.lastCommitted);
            n.lastCommitted = c.committed();
            assertThat(c.applied()).as("applied <= committed on node %d", n.id).isLessThanOrEqualTo(c.committed());
            assertThat(c.committed()).as("committed <= last on node %d", n.id).isLessThanOrEqualTo(c.lastIndex());
            for (Map.Entry<Long, Entry> e : n.applied.entrySet()) {
                Entry agreed = committedEverywhere.putIfAbsent(e.getKey(), e.getValue());
                if (agreed == null) {
                    committedByTerm.put(e.getKey(), c.term());
                }
                assertThat(agreed == null || agreed.equals(e.getValue()))
                        .as("state machine safety: node %d applied %s at %d, another node %s%n%s",
                                n.id, e.getValue(), e.getKey(), agreed, dump()).isTrue();
            }
        }
        checkLogMatching();
        checkLeaderCompleteness();
    }

    private void checkLogMatching() {
        List<Node> all = new ArrayList<>(nodes.values());
        for (int i = 0; i < all.size(); i++) {
            for (int j = i + 1; j < all.size(); j++) {
                MemoryLog a = all.get(i).log;
                MemoryLog b = all.get(j).log;
                long lo = Math.max(a.firstIndex(), b.firstIndex());
                long hi = Math.min(a.lastIndex(), b.lastIndex());
                boolean matchedAbove = false;
                for (long k = hi; k >= lo; k--) {
                    boolean sameTerm = a.term(k) == b.term(k);
                    if (matchedAbove) {
                        assertThat(a.entries(k, k + 1, Long.MAX_VALUE)).as("log matching at %d between %d and %d%n%s",
                                k, all.get(i).id, all.get(j).id, dump()).isEqualTo(b.entries(k, k + 1, Long.MAX_VALUE));
                    } else if (sameTerm) {
                        matchedAbove = true;
                        assertThat(a.entries(k, k + 1, Long.MAX_VALUE)).isEqualTo(b.entries(k, k + 1, Long.MAX_VALUE));
                    }
                }
            }
        }
    }

    private void checkLeaderCompleteness() {
        for (Node n : nodes.values()) {
            if (n.core.role() != Role.LEADER) {
                continue;
            }
            for (Map.Entry<Long, Entry> e : committedEverywhere.entrySet()) {
                long index = e.getKey();
                if (index < n.log.firstIndex() || index > n.log.lastIndex()) {
                    continue; // compacted behind a snapshot, or still in the leader's unstable tail
                }
                if (n.core.term() <= committedByTerm.getOrDefault(index, 0L)) {
                    continue; // §5.4: only leaders of later terms than the commit must hold it
                }
                assertThat(n.log.term(index)).as("leader completeness: leader %d lacks committed %s%n%s",
                        n.id, e.getValue(), dump()).isEqualTo(e.getValue().term());
            }
        }
    }

    String dump() {
        StringBuilder s = new StringBuilder();
        for (Node n : nodes.values()) {
            s.append("  ").append(n.core).append(" lead=").append(n.core.leader()).append(" conf=").append(n.core.conf()).append('\n');
            if (n.core.isLeader()) {
                s.append("    peers ").append(n.core.status().peers()).append('\n');
            }
        }
        int from = Math.max(0, trace.size() - 40);
        s.append("  last events:\n");
        for (String t : trace.subList(from, trace.size())) {
            s.append("    ").append(t).append('\n');
        }
        return s.toString();
    }

    void setSeed(long seed) {
        this.seed = seed;
    }
}
