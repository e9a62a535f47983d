package io.ostraka.sim;

import io.ostraka.kv.KvResult;
import io.ostraka.kv.KvStateMachine;
import io.ostraka.raft.ConfState;
import io.ostraka.raft.Entry;
import io.ostraka.raft.EntryType;
import io.ostraka.raft.Message;
import io.ostraka.raft.MessageType;
import io.ostraka.raft.ProposeResult;
import io.ostraka.raft.RaftConfig;
import io.ostraka.raft.RaftCore;
import io.ostraka.raft.ReadState;
import io.ostraka.raft.RaftEvent;
import io.ostraka.raft.Ready;
import io.ostraka.raft.Role;
import io.ostraka.raft.SnapshotMetadata;
import io.ostraka.raft.confchange.ConfChange;
import io.ostraka.raft.confchange.Changer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * One simulated server: a real {@link RaftCore} and a real {@link KvStateMachine} driven the way
 * the production runtime drives them, on a {@link SimDisk} and a clock of its own.
 *
 * <p>Its clock runs at a rate in [1 − skew, 1 + skew] that drifts over time; ticks are derived
 * from it, and before handling anything the node catches up on the ticks its clock says have
 * passed — so a node resuming from a pause (a long GC) first learns how much time went by, which
 * is what keeps a lease from outliving a pause. A Ready's writes become durable only when the
 * simulated fsync completes; its messages, applies and answers wait for that.
 */
final class SimNode {
    final long id;
    private final Simulation sim;
    private final SplittableRandom random;
    final SimDisk disk = new SimDisk();

    private RaftCore core;
    private KvStateMachine kv;
    /** Configuration as of the applied index (conf-change entries applied so far). */
    private ConfState appliedConf = ConfState.EMPTY;
    /** index → configuration from that index on, since the last snapshot. */
    private final TreeMap<Long, ConfState> appliedConfs = new TreeMap<>();
    private boolean up;
    private boolean paused;
    private long incarnation;
    private Ready awaitingFsync;
    private final List<Runnable> heldWhilePaused = new ArrayList<>();

    private double clockRate = 1;
    private long clockBaseLocal;
    private long clockBaseGlobal;
    private long ticksDone;

    private record PendingWrite(long term, SimClient client, ClientRequest request) {}

    private record PendingRead(SimClient client, ClientRequest request) {}

    private final TreeMap<Long, PendingWrite> proposals = new TreeMap<>();
    private final TreeMap<Long, PendingRead> reads = new TreeMap<>();
    private final TreeMap<Long, List<PendingRead>> readsAwaitingApply = new TreeMap<>();
    private final TreeMap<Long, byte[]> receivedSnapshots = new TreeMap<>();
    private long nextReadContext;
    private long lastCommitted;
    private long lastSnapshotIndex;

    SimNode(long id, Simulation sim, SplittableRandom random) {
        this.id = id;
        this.sim = sim;
        this.random = random;
        if (sim.config.maxClockSkew() > 0) {
            clockRate = 1 + (random.nextDouble() * 2 - 1) * sim.config.maxClockSkew();
        }
    }

    // ---------------------------------------------------------------- lifecycle

    void start() {
        // A new process's read contexts start at a random point, as GroupRunner's do: a stale
        // answer to the previous process's read must not match a new one.
        nextReadContext = random.nextLong();
        up = true;
        paused = false;
        SnapshotMetadata snapshot = disk.live().snapshot();
        kv = KvStateMachine.inMemory(sim.kvConfig());
        setAppliedConf(snapshot.index(), snapshot.conf(), true);
        if (snapshot.index() > 0) {
            byte[] file = disk.snapshotFile(snapshot.index());
            sim.check(file != null, "snapshot file", "node " + id + " lost the file of snapshot " + snapshot.index());
            restoreKv(snapshot.index(), file);
        }
        lastSnapshotIndex = snapshot.index();
        RaftConfig config = RaftConfig.builder(id, 1)
                .electionTimeoutTicks(sim.config.electionTicks())
                .heartbeatTicks(sim.config.heartbeatTicks())
                .preVote(sim.config.preVote())
                .checkQuorum(sim.config.checkQuorum())
                .leaseReads(sim.config.leaseReads())
                .leaseDriftMarginTicks(sim.config.leaseMarginTicks())
                .maxMessageBytes(sim.config.maxMessageBytes())
                .maxInflightMessages(sim.config.maxInflightMessages())
                .appliedIndex(snapshot.index())
                .build();
        core = new RaftCore(config, disk.live(), new SplittableRandom(random.nextLong()));
        lastCommitted = core.committed();
        ticksDone = localNow() / sim.config.tickMicros();
        scheduleTimer();
        drive();
    }

    void crash() {
        int lost = disk.crash(random, random.nextDouble() < sim.config.tornWriteRate());
        sim.scheduler.note("crash " + id + " (lost " + lost + " unsynced writes)");
        up = false;
        paused = false;
        awaitingFsync = null;
        heldWhilePaused.clear();
        proposals.clear();
        reads.clear();
        readsAwaitingApply.clear();
        receivedSnapshots.clear();
        incarnation++;
    }

    void pause() {
        paused = true;
    }

    void resume() {
        paused = false;
        List<Runnable> held = new ArrayList<>(heldWhilePaused);
        heldWhilePaused.clear();
        catchUpTicks();
        for (Runnable r : held) {
            if (up && !paused) {
                r.run();
            }
        }
        drive();
    }

    boolean isUp() {
        return up;
    }

    boolean isPaused() {
        return paused;
    }

    long incarnation() {
        return incarnation;
    }

    RaftCore core() {
        return core;
    }

    KvStateMachine kv() {
        return kv;
    }

    ConfState appliedConf() {
        return appliedConf;
    }

    long lastCommitted() {
        return lastCommitted;
    }

    void noteCommitted(long committed) {
        lastCommitted = committed;
    }

    /** Runs {@code r} now, or when the pause ends; drops it if the node is down. */
    private void whenRunning(Runnable r) {
        if (!up) {
            return;
        }
        if (paused) {
            heldWhilePaused.add(r);
            return;
        }
        catchUpTicks();
        r.run();
        drive();
    }

    // ---------------------------------------------------------------- clock

    private long localNow() {
        return clockBaseLocal + (long) ((sim.scheduler.now() - clockBaseGlobal) * clockRate);
    }

    /** Clock drift: the rate wanders inside the configured skew. */
    void driftClock() {
        double skew = sim.config.maxClockSkew();
        if (skew == 0) {
            return;
        }
        clockBaseLocal = localNow();
        clockBaseGlobal = sim.scheduler.now();
        double next = clockRate + (random.nextDouble() * 2 - 1) * skew / 4;
        clockRate = Math.max(1 - skew, Math.min(1 + skew, next));
    }

    private void scheduleTimer() {
        // The next tick boundary after both the last tick taken and the local time (a paused node
        // takes no ticks, and its timer must not spin on boundaries that already passed).
        long nextLocal = (Math.max(ticksDone, localNow() / sim.config.tickMicros()) + 1) * sim.config.tickMicros();
        long delay = (long) Math.ceil((nextLocal - localNow()) / clockRate);
        long inc = incarnation;
        sim.scheduler.after(Math.max(1, delay), "tick " + id, () -> onTimer(inc));
    }

    private void onTimer(long inc) {
        if (inc != incarnation || !up) {
            return;
        }
        if (!paused) {
            catchUpTicks();
            drive();
        }
        scheduleTimer();
    }

    private void catchUpTicks() {
        long target = localNow() / sim.config.tickMicros();
        while (ticksDone < target) {
            core.tick();
            ticksDone++;
        }
    }

    // ---------------------------------------------------------------- inputs

    void receive(Message m, byte[] snapshotBytes) {
        whenRunning(() -> {
            if (m.type() == MessageType.SNAPSHOT && snapshotBytes != null) {
                receivedSnapshots.put(m.snapshot().index(), snapshotBytes);
            }
            core.step(m);
        });
    }

    /** This node's transport found {@code peer}'s port closed (see {@link SimNetwork#crashed}). */
    void peerDown(long observerIncarnation, long peer) {
        if (observerIncarnation != incarnation) {
            return;
        }
        whenRunning(() -> core.reportPeerDown(peer));
    }

    void reportSnapshot(long senderIncarnation, long peer, boolean ok) {
        if (senderIncarnation != incarnation) {
            return;
        }
        whenRunning(() -> core.reportSnapshot(peer, ok));
    }

    void handle(ClientRequest request, SimClient client) {
        whenRunning(() -> {
            if (request.isWrite()) {
                handleWrite(request, client);
            } else {
                handleRead(request, client);
            }
        });
    }

    private void handleWrite(ClientRequest request, SimClient client) {
        if (!core.isLeader()) {
            sim.reply(client, ClientResponse.notLeader(request.attempt(), core.leader()));
            return;
        }
        ProposeResult r = core.propose(request.write().encode());
        if (r instanceof ProposeResult.Accepted a) {
            PendingWrite replaced = proposals.put(a.lastIndex(), new PendingWrite(a.term(), client, request));
            if (replaced != null) {
                // Leadership lost and regained: our older entry here was truncated in this log, which
                // does not mean it can never commit elsewhere; the outcome is unknown (as in GroupRunner).
                sim.reply(replaced.client(), ClientResponse.dropped(replaced.request().attempt()));
            }
        } else {
            ProposeResult.Rejected rejected = (ProposeResult.Rejected) r;
            sim.reply(client, ClientResponse.notLeader(request.attempt(), rejected.leaderHint()));
        }
    }

    private void handleRead(ClientRequest request, SimClient client) {
        if (request.level() == ClientRequest.ReadLevel.STALE) {
            // Local and possibly behind, but never behind what this client already saw.
            readsAwaitingApply.computeIfAbsent(request.minIndex(), k -> new ArrayList<>()).add(new PendingRead(client, request));
            serveReadsUpTo(core.applied());
            return;
        }
        long context = ++nextReadContext;
        boolean accepted = request.level() == ClientRequest.ReadLevel.LEASE
                ? core.leaseRead(context) : core.readIndex(context);
        if (accepted) {
            reads.put(context, new PendingRead(client, request));
        } else {
            sim.reply(client, ClientResponse.notLeader(request.attempt(), core.leader()));
        }
    }

    /** Administrative requests (membership, transfer) as an operator's RPC would make them. */
    ProposeResult proposeConfChange(ConfChange change) {
        if (!up || paused) {
            return null;
        }
        catchUpTicks();
        ProposeResult r = core.proposeConfChange(change);
        drive();
        return r;
    }

    void transferLeadership(long to) {
        whenRunning(() -> core.transferLeadership(to));
    }

    void campaign() {
        whenRunning(() -> core.campaign());
    }

    // ---------------------------------------------------------------- the Ready loop

    private void drive() {
        while (up && !paused && awaitingFsync == null && core.hasReady()) {
            Ready rd = core.ready();
            persist(rd);
            if (rd.mustSync()) {
                // As the runtime does: a leader's appends leave while its own fsync runs.
                rd.earlyMessages().forEach(this::send);
                awaitingFsync = rd;
                long inc = incarnation;
                long latency = 1 + (long) (-StrictMath.log(1 - random.nextDouble()) * sim.config.fsyncMicros());
                sim.scheduler.after(latency, "fsync " + id, () -> onFsync(inc));
                return;
            }
            finish(rd, false);
        }
    }

    private void onFsync(long inc) {
        if (inc != incarnation || !up) {
            return;
        }
        disk.syncAll();
        Runnable complete = () -> {
            Ready rd = awaitingFsync;
            awaitingFsync = null;
            finish(rd, true);
        };
        if (paused) {
            heldWhilePaused.add(complete);
        } else {
            complete.run();
            drive();
        }
    }

    private void persist(Ready rd) {
        if (rd.snapshot() != null) {
            byte[] file = receivedSnapshots.get(rd.snapshot().index());
            sim.check(file != null, "snapshot transfer", "node " + id + " must install snapshot "
                    + rd.snapshot().index() + " whose bytes never arrived");
            disk.storeReceivedSnapshot(rd.snapshot().index(), file);
            disk.installSnapshot(rd.snapshot());
        }
        sim.safety.onPersist(this, rd.entries());
        disk.append(rd.entries());
        if (rd.hardState() != null) {
            disk.setHardState(rd.hardState());
        }
    }

    private void send(Message m) {
        byte[] bytes = null;
        if (m.type() == MessageType.SNAPSHOT) {
            bytes = disk.snapshotFile(m.snapshot().index());
            sim.check(bytes != null, "snapshot file", "node " + id + " sends snapshot " + m.snapshot().index() + " it has no file for");
        }
        sim.safety.onSend(this, m);
        sim.network.send(m, bytes);
    }

    /** Everything after the Ready is durable; {@code earlySent}: its early messages already left. */
    private void finish(Ready rd, boolean earlySent) {
        if (rd.role() != null) {
            onRoleChange(rd);
        }
        (earlySent ? rd.lateMessages() : rd.messages()).forEach(this::send);
        if (rd.snapshot() != null) {
            installSnapshot(rd.snapshot());
        }
        for (Entry e : rd.committedEntries()) {
            apply(e);
        }
        for (ReadState rs : rd.readStates()) {
            PendingRead read = reads.remove(rs.requestContext());
            if (read != null) {
                readsAwaitingApply.computeIfAbsent(rs.index(), k -> new ArrayList<>()).add(read);
            }
        }
        core.advance(rd);
        serveReadsUpTo(core.applied());
        maybeSnapshot();
    }

    private void onRoleChange(Ready rd) {
        if (rd.role() == Role.LEADER) {
            long term = core.term();
            for (RaftEvent e : rd.events()) {
                if (e.type() == RaftEvent.Type.LEADER_ELECTED && e.peer() == id) {
                    term = e.term();
                }
            }
            sim.safety.onBecameLeader(this, term);
        }
        // Reads registered here will not be answered by a core that changed role: send the
        // clients elsewhere now instead of letting them time out.
        for (PendingRead read : reads.values()) {
            sim.reply(read.client(), ClientResponse.notLeader(read.request().attempt(), core.leader()));
        }
        reads.clear();
    }

    private void installSnapshot(SnapshotMetadata snapshot) {
        restoreKv(snapshot.index(), receivedSnapshots.remove(snapshot.index()));
        setAppliedConf(snapshot.index(), snapshot.conf(), true);
        lastSnapshotIndex = snapshot.index();
        receivedSnapshots.headMap(snapshot.index()).clear();
        // Whatever was proposed at or below the snapshot can no longer be matched to its entry:
        // the clients time out and retry, and their sessions make the retry safe.
        proposals.headMap(snapshot.index(), true).clear();
        sim.scheduler.note("node " + id + " installed snapshot " + snapshot.index());
    }

    private void setAppliedConf(long index, ConfState conf, boolean reset) {
        if (reset) {
            appliedConfs.clear();
        }
        appliedConf = conf;
        appliedConfs.put(index, conf);
    }

    private void restoreKv(long index, byte[] bytes) {
        try {
            kv.restore(index, new ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void apply(Entry e) {
        sim.safety.onApply(this, e);
        byte[] result = null;
        if (e.type() == EntryType.CONF_CHANGE) {
            setAppliedConf(e.index(), Changer.apply(appliedConf, ConfChange.decode(e.data())), false);
        } else if (e.data().length > 0) {
            result = kv.apply(e.index(), e.data());
        }
        PendingWrite write = proposals.remove(e.index());
        if (write != null) {
            if (write.term() == e.term() && result != null) {
                sim.reply(write.client(), ClientResponse.ok(write.request().attempt(), KvResult.decode(result), e.index()));
            } else {
                sim.reply(write.client(), ClientResponse.dropped(write.request().attempt()));
            }
        }
        proposals.headMap(e.index()).clear();
    }

    private void serveReadsUpTo(long applied) {
        while (!readsAwaitingApply.isEmpty() && readsAwaitingApply.firstKey() <= applied) {
            for (PendingRead read : readsAwaitingApply.pollFirstEntry().getValue()) {
                KvResult value = kv.get(SimClient.keyBytes(read.request().readKey()));
                sim.reply(read.client(), ClientResponse.ok(read.request().attempt(), value, applied));
            }
        }
    }

    private void maybeSnapshot() {
        long index = kv.appliedIndex();
        if (index - lastSnapshotIndex < sim.config.snapshotEveryEntries() || index < disk.live().firstIndex()) {
            return;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            kv.snapshot(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SnapshotMetadata meta = new SnapshotMetadata(index, disk.live().term(index), confAt(index));
        disk.createSnapshot(meta, sim.config.trailingEntries(), out.toByteArray());
        lastSnapshotIndex = index;
        Long keep = appliedConfs.floorKey(index);
        appliedConfs.headMap(keep).clear();
    }

    /** The configuration in force at {@code index}, from the configurations applied so far. */
    private ConfState confAt(long index) {
        Map.Entry<Long, ConfState> atOrBefore = appliedConfs.floorEntry(index);
        sim.check(atOrBefore != null, "configuration history", "node " + id + " has no configuration at " + index);
        return atOrBefore.getValue();
    }

    @Override
    public String toString() {
        String state = !up ? "DOWN" : paused ? "PAUSED " + core : String.valueOf(core);
        return "node " + id + ": " + state + " kvApplied=" + (kv == null ? 0 : kv.appliedIndex());
    }

}
