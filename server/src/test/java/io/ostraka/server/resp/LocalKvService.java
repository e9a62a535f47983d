package io.ostraka.server.resp;

import io.ostraka.kv.KvCommand;
import io.ostraka.kv.KvConfig;
import io.ostraka.kv.KvOp;
import io.ostraka.kv.KvResult;
import io.ostraka.kv.KvStateMachine;
import io.ostraka.kv.ReadConsistency;
import io.ostraka.node.OstrakaException;
import io.ostraka.server.KvService;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Test-only {@link KvService}: one in-process node that applies commands to a real
 * {@link KvStateMachine} synchronously, the log index being a counter. RESP tests thus run the
 * real state machine (sessions, versions, batches). Hooks let a test fail the next call with an
 * {@link OstrakaException}, or hold completions and release them later in any order.
 * OPEN_SESSION commands are applied at once and only counted ({@link #sessionsOpened}).
 */
final class LocalKvService implements KvService {
    private final KvStateMachine kv;
    private final List<KvCommand> writes = new ArrayList<>();
    private final List<Long> readMinIndexes = new ArrayList<>();
    private final List<ReadConsistency> readConsistencies = new ArrayList<>();
    private final List<Runnable> held = new ArrayList<>();
    private long index;
    private int sessionsOpened;
    private OstrakaException nextFailure;
    private boolean holding;

    LocalKvService() {
        this(KvConfig.DEFAULT);
    }

    LocalKvService(KvConfig config) {
        this.kv = KvStateMachine.inMemory(config);
    }

    @Override
    public synchronized CompletableFuture<Result> write(KvCommand command) {
        if (command.op() instanceof KvOp.OpenSession) {
            // Openings are not scripted or held: the hooks and the write log are about data writes.
            index++;
            sessionsOpened++;
            return CompletableFuture.completedFuture(new Result(kv.apply(index, command), index));
        }
        writes.add(command);
        if (nextFailure != null) {
            return failNow();
        }
        index++;
        return complete(new Result(kv.apply(index, command), index));
    }

    @Override
    public synchronized CompletableFuture<Result> read(KvOp op, ReadConsistency consistency, long minIndex) {
        readMinIndexes.add(minIndex);
        readConsistencies.add(consistency);
        if (nextFailure != null) {
            return failNow();
        }
        if (minIndex > index) {
            return CompletableFuture.failedFuture(new IllegalStateException("minIndex " + minIndex
                    + " is ahead of the log at " + index));
        }
        KvResult result = kv.query(op);
        return complete(new Result(result, index));
    }

    @Override
    public synchronized Map<String, String> info() {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("node_id", "1");
        facts.put("role", "leader");
        facts.put("term", "1");
        facts.put("leader_id", "1");
        facts.put("commit_index", Long.toString(index));
        facts.put("applied_index", Long.toString(kv.appliedIndex()));
        return facts;
    }

    private CompletableFuture<Result> complete(Result result) {
        if (!holding) {
            return CompletableFuture.completedFuture(result);
        }
        CompletableFuture<Result> future = new CompletableFuture<>();
        held.add(() -> future.complete(result));
        return future;
    }

    private CompletableFuture<Result> failNow() {
        OstrakaException failure = nextFailure;
        nextFailure = null;
        return CompletableFuture.failedFuture(failure);
    }

    /** The next read or write fails with {@code failure}. */
    synchronized void failNext(OstrakaException failure) {
        nextFailure = failure;
    }

    /** From now on, results are held until {@link #release}. */
    synchronized void hold() {
        holding = true;
    }

    synchronized int heldCount() {
        return held.size();
    }

    /** Completes every held result, last first when {@code reversed}, and stops holding. */
    void release(boolean reversed) {
        List<Runnable> toRun;
        synchronized (this) {
            holding = false;
            toRun = new ArrayList<>(held);
            held.clear();
        }
        if (reversed) {
            Collections.reverse(toRun);
        }
        toRun.forEach(Runnable::run);
    }

    synchronized int sessionsOpened() {
        return sessionsOpened;
    }

    /** Every write command but OPEN_SESSION, in order. */
    synchronized List<KvCommand> writes() {
        return List.copyOf(writes);
    }

    synchronized List<Long> readMinIndexes() {
        return List.copyOf(readMinIndexes);
    }

    synchronized List<ReadConsistency> readConsistencies() {
        return List.copyOf(readConsistencies);
    }

    synchronized long index() {
        return index;
    }

    synchronized KvStateMachine stateMachine() {
        return kv;
    }
}
