package io.ostraka.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ostraka.server.resp.TinyRespClient;
import io.ostraka.sim.check.CheckResult;
import io.ostraka.sim.check.LinearizabilityChecker;
import io.ostraka.sim.history.Event;
import io.ostraka.sim.history.History;
import io.ostraka.sim.history.HistoryBuilder;
import io.ostraka.sim.history.HistoryWriter;
import io.ostraka.sim.history.KvFunction;
import io.ostraka.sim.history.OpType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;

/**
 * A client workload for process tests: a few client threads over RESP doing get / put / cas on
 * three keys, each starting on one of the given nodes and moving to a random other one when its
 * connection times out or dies. Every call and its outcome is recorded in the simulator's history
 * format; {@link #stopAndCheck} then checks the history for linearizability — which includes that
 * no acknowledged write was lost. A failed or timed-out write is recorded as indeterminate (it
 * may or may not have happened), a failed read as failed.
 */
final class RespWorkload {
    private final ProcessCluster cluster;
    private final List<Long> nodes;
    private final int clientCount;
    private final Object historyLock = new Object();
    private final HistoryBuilder history = History.builder();
    private final long start = System.nanoTime();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> clients = new ArrayList<>();
    private final List<Throwable> clientFailures = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicInteger acknowledged = new AtomicInteger();

    RespWorkload(ProcessCluster cluster, List<Long> nodes, int clientCount) {
        this.cluster = cluster;
        this.nodes = List.copyOf(nodes);
        this.clientCount = clientCount;
    }

    RespWorkload start() {
        for (int p = 0; p < clientCount; p++) {
            int process = p;
            Thread t = new Thread(() -> {
                try {
                    run(process);
                } catch (RuntimeException | Error e) {
                    clientFailures.add(e);
                }
            }, "client-" + p);
            t.start();
            clients.add(t);
        }
        return this;
    }

    /** Operations completed, whatever their outcome. */
    int opsDone() {
        return done.get();
    }

    /** Operations the cluster answered with a definite result (ok, or a CAS conflict). */
    int acknowledged() {
        return acknowledged.get();
    }

    /** Waits until {@code more} further operations have been acknowledged. */
    void awaitAcknowledged(int more, Duration timeout, String what) {
        int before = acknowledged();
        ProcessCluster.await(() -> acknowledged() >= before + more, timeout, what + " (" + more + " more acknowledged operations)");
    }

    /**
     * Stops the clients, reads every key once more through {@code finalNode} (so a lost write
     * shows even if nobody read it before), writes the history to {@code historyFile} and asserts
     * that it is linearizable. Returns the history.
     */
    History stopAndCheck(Path historyFile, long finalNode) throws Exception {
        running.set(false);
        for (Thread t : clients) {
            t.join(60_000);
            assertThat(t.isAlive()).as("client thread %s finished", t.getName()).isFalse();
        }
        assertThat(clientFailures).as("client threads failed").isEmpty();
        try (TinyRespClient client = new TinyRespClient(cluster.ports.get(finalNode).resp(), 10_000)) {
            for (int k = 0; k < 3; k++) {
                String key = "k" + k;
                Event call = record(t -> Event.get(clientCount, key, t));
                Object reply = client.call("OSTRAKA.GETV", key);
                Event outcome = record(t -> complete(call, reply, t));
                assertThat(outcome.type()).as("final read of %s through node %d: %s", key, finalNode, reply).isEqualTo(OpType.OK);
            }
        }
        History h;
        synchronized (historyLock) {
            h = history.build();
        }
        Files.writeString(historyFile, HistoryWriter.toJsonLines(h));
        CheckResult verdict = LinearizabilityChecker.check(h);
        assertThat(verdict.valid()).as(() -> verdict.report() + "\n(history in " + historyFile + ")\n" + logsOf(cluster)).isTrue();
        return h;
    }

    private long now() {
        return System.nanoTime() - start;
    }

    /** Builds the event with the current time under the history's lock, so times never go backwards. */
    private Event record(LongFunction<Event> make) {
        synchronized (historyLock) {
            Event e = make.apply(now());
            history.append(e);
            return e;
        }
    }

    static String logsOf(ProcessCluster c) {
        try {
            return c.logs();
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** One client process: put / get / cas on 3 keys; timeouts and dead connections move it to another node. */
    private void run(int process) {
        SplittableRandom random = new SplittableRandom(process);
        int n = 0;
        TinyRespClient client = null;
        long node = nodes.get(process % nodes.size());
        while (running.get()) {
            String key = "k" + random.nextInt(3);
            int dice = random.nextInt(10);
            String value = "p" + process + "-" + (++n);
            long expected = random.nextInt(3);
            Event call = record(t -> dice < 4 ? Event.get(process, key, t)
                    : dice < 8 ? Event.put(process, key, value, t)
                    : Event.cas(process, key, expected, value, t));
            try {
                if (client == null) {
                    client = new TinyRespClient(cluster.ports.get(node).resp(), 3_000);
                }
                Object reply = switch (call.f()) {
                    case GET -> client.call("OSTRAKA.GETV", key);
                    case PUT -> client.call("SET", key, value);
                    case CAS -> client.call("OSTRAKA.CAS", key, Long.toString(call.expectedVersion()), value);
                    case DELETE -> throw new IllegalStateException();
                };
                Event outcome = record(t -> complete(call, reply, t));
                if (outcome.type() == OpType.OK || reply instanceof TinyRespClient.Err err && err.code().equals("CONFLICT")) {
                    acknowledged.incrementAndGet();
                }
            } catch (IOException e) {
                // Timed out or the node died: a write may or may not have happened.
                record(t -> call.f() == KvFunction.GET ? call.fail(t) : call.info(t));
                closeQuietly(client);
                client = null;
                node = nodes.get(random.nextInt(nodes.size()));
            }
            done.incrementAndGet();
        }
        closeQuietly(client);
    }

    static Event complete(Event call, Object reply, long now) {
        if (reply instanceof TinyRespClient.Err err) {
            if (call.f() == KvFunction.CAS && err.code().equals("CONFLICT")) {
                return call.fail(now);
            }
            // NOTLEADER / TRYAGAIN: the write was refused or its outcome is unknown.
            return call.f() == KvFunction.GET ? call.fail(now) : call.info(now);
        }
        return switch (call.f()) {
            case GET -> {
                List<?> fields = (List<?>) reply;
                if (fields == null || fields.isEmpty() || fields.get(0) == null) {
                    yield call.okRead(null, 0, now);
                }
                yield call.okRead((String) fields.get(0), (Long) fields.get(1), now);
            }
            case PUT -> call.ok(now);
            case CAS -> call.okVersion((Long) reply, now);
            case DELETE -> throw new IllegalStateException();
        };
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing a broken connection
            }
        }
    }
}
