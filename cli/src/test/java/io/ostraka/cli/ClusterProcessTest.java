package io.ostraka.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ostraka.server.resp.TinyRespClient;
import io.ostraka.sim.check.CheckResult;
import io.ostraka.sim.check.LinearizabilityChecker;
import io.ostraka.sim.history.Event;
import io.ostraka.sim.history.History;
import io.ostraka.sim.history.HistoryBuilder;
import io.ostraka.sim.history.HistoryWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real server processes on loopback under a client workload (RESP, every node): the
 * leader is SIGKILLed and restarted, a follower is SIGSTOPped and resumed. The recorded history
 * (the simulator's format) must be linearizable — which includes that no acknowledged write was
 * lost — and the cluster must serve again afterwards.
 */
class ClusterProcessTest {
    @TempDir
    Path dir;

    private final Object historyLock = new Object();
    private final HistoryBuilder history = History.builder();
    private final long start = System.nanoTime();

    private long now() {
        return System.nanoTime() - start;
    }

    /** Builds the event with the current time under the history's lock, so times never go backwards. */
    private Event record(java.util.function.LongFunction<Event> make) {
        synchronized (historyLock) {
            Event e = make.apply(now());
            history.append(e);
            return e;
        }
    }

    @Test
    void killAndPauseUnderLoadLosesNothingAndStaysLinearizable() throws Exception {
        try (ProcessCluster cluster = new ProcessCluster(dir, 3, "--storage", "rocksdb")) {
            long leader = cluster.awaitLeader(Duration.ofSeconds(60));
            AtomicBoolean running = new AtomicBoolean(true);
            List<Thread> clients = new ArrayList<>();
            for (int p = 0; p < 4; p++) {
                int process = p;
                Thread t = new Thread(() -> {
                    try {
                        workload(cluster, process, running);
                    } catch (RuntimeException | Error e) {
                        clientFailures.add(e);
                    }
                }, "client-" + p);
                t.start();
                clients.add(t);
            }
            ProcessCluster.await(() -> opsDone() > 40, Duration.ofSeconds(60), "a first batch of operations");

            cluster.kill(leader); // SIGKILL: no graceful anything
            long second = cluster.awaitLeader(Duration.ofSeconds(30));
            int before = opsDone();
            ProcessCluster.await(() -> opsDone() > before + 30, Duration.ofSeconds(60), "progress under the new leader");
            cluster.start(leader);

            long follower = cluster.ports.keySet().stream().filter(id -> id != second && cluster.processes.containsKey(id)).findFirst().orElseThrow();
            cluster.signal(follower, "STOP");
            int paused = opsDone();
            ProcessCluster.await(() -> opsDone() > paused + 30, Duration.ofSeconds(60), "progress with a follower paused");
            cluster.signal(follower, "CONT");
            int resumed = opsDone();
            ProcessCluster.await(() -> opsDone() > resumed + 30, Duration.ofSeconds(60), "progress after the resume");

            running.set(false);
            for (Thread t : clients) {
                t.join(60_000);
                assertThat(t.isAlive()).as("client thread %s finished", t.getName()).isFalse();
            }
            assertThat(clientFailures).as("client threads failed").isEmpty();
            History h;
            synchronized (historyLock) {
                h = history.build();
            }
            Files.writeString(dir.resolve("history.jsonl"), HistoryWriter.toJsonLines(h));
            CheckResult verdict = LinearizabilityChecker.check(h);
            assertThat(verdict.valid()).as(() -> verdict.report() + "\n" + logsOf(cluster)).isTrue();
            assertThat(h.operations().size()).isGreaterThan(120);
        }
    }

    private volatile int done;
    private final List<Throwable> clientFailures = java.util.Collections.synchronizedList(new ArrayList<>());

    private int opsDone() {
        return done;
    }

    private static String logsOf(ProcessCluster c) {
        try {
            return c.logs();
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** One client process: put / get / cas on 3 keys, rotating nodes; timeouts become info. */
    private void workload(ProcessCluster cluster, int process, AtomicBoolean running) {
        SplittableRandom random = new SplittableRandom(process);
        List<Long> ids = new ArrayList<>(cluster.ports.keySet());
        int n = 0;
        TinyRespClient client = null;
        long node = ids.get(process % ids.size());
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
                record(t -> complete(call, reply, t));
            } catch (IOException e) {
                // Timed out or the node died: a write may or may not have happened.
                record(t -> call.f() == io.ostraka.sim.history.KvFunction.GET ? call.fail(t) : call.info(t));
                closeQuietly(client);
                client = null;
                node = ids.get(random.nextInt(ids.size()));
            }
            done++;
        }
        closeQuietly(client);
    }

    private static Event complete(Event call, Object reply, long now) {
        if (reply instanceof TinyRespClient.Err err) {
            if (call.f() == io.ostraka.sim.history.KvFunction.CAS && err.code().equals("CONFLICT")) {
                return call.fail(now);
            }
            // NOTLEADER / TRYAGAIN: the write was refused or its outcome is unknown.
            return call.f() == io.ostraka.sim.history.KvFunction.GET ? call.fail(now) : call.info(now);
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
