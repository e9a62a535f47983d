package io.ostraka.sim;

import io.ostraka.kv.KvCommand;
import io.ostraka.kv.KvResult;
import io.ostraka.kv.KvStatus;
import io.ostraka.sim.history.Consistency;
import io.ostraka.sim.history.Event;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * One client process of the workload: a loop of get / put / delete / compare-and-set on a small
 * key space, one operation at a time, with the read consistency level drawn per read. Like the
 * real client it follows leader hints, retries after timeouts at another node, and numbers its
 * writes within a session so a retried write applies once.
 *
 * <p>Before its first write, and after the cluster forgot its session, it opens a session
 * (OPEN_SESSION through the log, as the real client does); openings are not in the history.
 *
 * <p>Every operation is recorded in the history: {@code ok} when a node answered, {@code fail}
 * when it certainly did not happen (a refused compare-and-set, a read that gave up, a write whose
 * only attempt found its session forgotten), {@code info} when a write gave up without an answer
 * or found its session forgotten after retries (it may or may not have happened).
 */
final class SimClient {
    final int process;
    private final Simulation sim;
    private final SplittableRandom random;
    /** 0: no session open. */
    private long sessionId;
    private long sequence;
    /** Numbers this client's writes for unique values, across sessions. */
    private long writesStarted;
    /** Whether the request in flight is an opening, not an operation of the history. */
    private boolean opening;
    private long leaderGuess;
    private final TreeMap<String, Long> lastVersionSeen = new TreeMap<>();
    /** The highest log index any answer to this client reflected. */
    private long observedIndex;

    private boolean active;
    private boolean stopping;
    private Event invocation;
    private ClientRequest request;
    private long attempt;
    /** How many times the request in flight was sent. */
    private int sends;
    private long deadline;
    private long completedSinceHeal;

    SimClient(int process, Simulation sim, SplittableRandom random) {
        this.process = process;
        this.sim = sim;
        this.random = random;
    }

    static byte[] keyBytes(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    void start() {
        sim.scheduler.after(random.nextInt(5_000), "client " + process + " starts", this::next);
    }

    void stop() {
        stopping = true;
    }

    boolean idle() {
        return !active;
    }

    long completedSinceHeal() {
        return completedSinceHeal;
    }

    void healed() {
        completedSinceHeal = 0;
    }

    private void next() {
        if (stopping) {
            return;
        }
        if (sessionId == 0) {
            openSession();
            return;
        }
        String key = "k" + random.nextInt(sim.config.keys());
        long now = sim.nowNanos();
        int dice = random.nextInt(100);
        KvCommand write = null;
        ClientRequest.ReadLevel level = null;
        if (dice < 40) {
            level = readLevel();
            invocation = Event.get(process, key, consistency(level), now);
        } else if (dice < 70) {
            String value = "p" + process + "v" + (++writesStarted);
            write = KvCommand.put(keyBytes(key), value.getBytes(StandardCharsets.UTF_8));
            invocation = Event.put(process, key, value, now);
        } else if (dice < 80) {
            write = KvCommand.delete(keyBytes(key));
            invocation = Event.delete(process, key, now);
        } else {
            String value = "p" + process + "c" + (++writesStarted);
            long expected = random.nextInt(10) < 7 ? lastVersionSeen.getOrDefault(key, 0L) : random.nextInt(3);
            write = KvCommand.compareAndSet(keyBytes(key), expected, value.getBytes(StandardCharsets.UTF_8));
            invocation = Event.cas(process, key, expected, value, now);
        }
        if (write != null) {
            write = write.withSession(sessionId, ++sequence);
        }
        sim.record(invocation);
        request = new ClientRequest(process, 0, write, write == null ? key : null, level, 0);
        active = true;
        deadline = sim.scheduler.now() + sim.config.clientTimeoutMicros();
        sends = 0;
        send();
    }

    private void openSession() {
        opening = true;
        invocation = null;
        request = new ClientRequest(process, 0, KvCommand.openSession(), null, null, 0);
        active = true;
        deadline = sim.scheduler.now() + sim.config.clientTimeoutMicros();
        sends = 0;
        send();
    }

    /** The opening was answered ({@code result}) or given up on ({@code null}); the workload goes on. */
    private void opened(KvResult result) {
        opening = false;
        active = false;
        if (result != null) {
            sim.check(result.isOk() && result.integer() > 0, "client result",
                    "process " + process + " OPEN_SESSION got " + result);
            sessionId = result.integer();
            sequence = 0;
        }
        sim.scheduler.after(0, "client " + process + " next", this::next);
    }

    private ClientRequest.ReadLevel readLevel() {
        List<ClientRequest.ReadLevel> levels = new ArrayList<>(List.of(
                ClientRequest.ReadLevel.LINEARIZABLE, ClientRequest.ReadLevel.FOLLOWER, ClientRequest.ReadLevel.STALE));
        if (sim.config.leaseReads()) {
            levels.add(ClientRequest.ReadLevel.LEASE);
        }
        return levels.get(random.nextInt(levels.size()));
    }

    private static Consistency consistency(ClientRequest.ReadLevel level) {
        return switch (level) {
            case LINEARIZABLE -> Consistency.LINEARIZABLE;
            case LEASE -> Consistency.LEASE;
            case FOLLOWER -> Consistency.FOLLOWER;
            case STALE -> Consistency.STALE;
        };
    }

    private void send() {
        attempt++;
        sends++;
        request = new ClientRequest(process, attempt, request.write(), request.readKey(), request.level(), observedIndex);
        ClientRequest sending = request; // what this attempt sent, however late it arrives
        long target = pickNode();
        long sent = attempt;
        sim.scheduler.after(sim.network.latency(), "client " + process + " -> node " + target + " #" + sent,
                () -> sim.nodes.get(target).handle(sending, this));
        long attemptTimeout = Math.max(1, sim.config.clientTimeoutMicros() / 4);
        sim.scheduler.after(attemptTimeout, "client " + process + " attempt timeout #" + sent, () -> onAttemptTimeout(sent));
    }

    private long pickNode() {
        List<Long> ids = new ArrayList<>(sim.nodes.keySet());
        if (request.level() == ClientRequest.ReadLevel.FOLLOWER && ids.size() > 1) {
            ids.remove(Long.valueOf(leaderGuess));
            return ids.get(random.nextInt(ids.size()));
        }
        if (request.level() == ClientRequest.ReadLevel.STALE || leaderGuess == 0) {
            return ids.get(random.nextInt(ids.size()));
        }
        return leaderGuess;
    }

    void onResponse(ClientResponse response) {
        if (!active || response.attempt() != attempt) {
            return; // an answer to an attempt we already gave up on
        }
        switch (response.kind()) {
            case OK -> {
                observedIndex = Math.max(observedIndex, response.index());
                complete(response.result());
            }
            case NOT_LEADER -> {
                leaderGuess = response.leaderHint();
                long backoff = leaderGuess == 0 ? sim.config.tickMicros() * sim.config.electionTicks() / 2 : 1_000;
                retryAfter(backoff);
            }
            case DROPPED -> retryAfter(1_000);
        }
    }

    private void retryAfter(long delayMicros) {
        long expected = attempt;
        sim.scheduler.after(delayMicros, "client " + process + " retry", () -> {
            if (active && attempt == expected) {
                retryOrGiveUp();
            }
        });
    }

    private void onAttemptTimeout(long timedOut) {
        if (!active || timedOut != attempt) {
            return;
        }
        leaderGuess = 0;
        retryOrGiveUp();
    }

    private void retryOrGiveUp() {
        if (sim.scheduler.now() < deadline) {
            send();
            return;
        }
        if (opening) {
            opened(null); // a session opened nobody knows of expires unused
            return;
        }
        // A write without an answer may still take effect; a read without one had no effect.
        finish(request.isWrite() ? invocation.info(sim.nowNanos()) : invocation.fail(sim.nowNanos()));
    }

    private void complete(KvResult result) {
        if (opening) {
            opened(result);
            return;
        }
        long now = sim.nowNanos();
        switch (invocation.f()) {
            case GET -> {
                if (result.status() == KvStatus.NOT_FOUND) {
                    lastVersionSeen.put(invocation.key(), 0L);
                    finish(invocation.okRead(null, 0, now));
                } else {
                    expect(result, KvStatus.OK);
                    lastVersionSeen.put(invocation.key(), result.version());
                    finish(invocation.okRead(new String(result.value(), StandardCharsets.UTF_8), result.version(), now));
                }
            }
            case PUT -> {
                if (sessionLost(result)) {
                    return;
                }
                expect(result, KvStatus.OK);
                lastVersionSeen.put(invocation.key(), result.version());
                finish(invocation.okVersion(result.version(), now));
            }
            case DELETE -> {
                if (sessionLost(result)) {
                    return;
                }
                expect(result, KvStatus.OK);
                lastVersionSeen.put(invocation.key(), 0L);
                finish(invocation.ok(now));
            }
            case CAS -> {
                if (sessionLost(result)) {
                    return;
                }
                if (result.status() == KvStatus.CONDITION_FAILED) {
                    finish(invocation.fail(now));
                } else {
                    expect(result, KvStatus.OK);
                    lastVersionSeen.put(invocation.key(), result.version());
                    finish(invocation.okVersion(result.version(), now));
                }
            }
        }
    }

    /**
     * The cluster forgot the session: this attempt applied nothing, so a write sent once did not
     * happen; after retries an earlier attempt may have applied before the session was forgotten.
     * The next operation opens a new session.
     */
    private boolean sessionLost(KvResult result) {
        if (result.status() != KvStatus.SESSION_EXPIRED) {
            return false;
        }
        sessionId = 0;
        sequence = 0;
        long now = sim.nowNanos();
        finish(sends == 1 ? invocation.fail(now) : invocation.info(now));
        return true;
    }

    private void expect(KvResult result, KvStatus status) {
        sim.check(result.status() == status, "client result",
                "process " + process + " " + invocation.f() + " " + invocation.key() + " got " + result);
    }

    private void finish(Event completion) {
        sim.record(completion);
        active = false;
        if (completion.type() == io.ostraka.sim.history.OpType.OK) {
            completedSinceHeal++;
        }
        long think = random.nextInt(20_000);
        sim.scheduler.after(think, "client " + process + " next", this::next);
    }
}
