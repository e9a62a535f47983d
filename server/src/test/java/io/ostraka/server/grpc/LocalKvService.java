package io.ostraka.server.grpc;

import io.ostraka.kv.KvCommand;
import io.ostraka.kv.KvConfig;
import io.ostraka.kv.KvOp;
import io.ostraka.kv.KvResult;
import io.ostraka.kv.KvStateMachine;
import io.ostraka.kv.ReadConsistency;
import io.ostraka.node.ErrorCode;
import io.ostraka.node.OstrakaException;
import io.ostraka.server.KvService;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Test harness, not production code: a single-node {@link KvService} that applies every write
 * synchronously to a real {@link KvStateMachine} (the log index is a counter) and serves reads
 * from it. Hooks let a test script failures:
 * <ul>
 *   <li>{@link #failNext}: the next call fails with the given error and changes nothing;
 *   <li>{@link #failNextWriteAfterApply}: the next write is applied, then reported as failed
 *       (a leader that committed but timed out answering) — what sessions exist for;
 *   <li>{@link #redirectTo}: every call answers NOT_LEADER with that leader hint;
 *   <li>{@link #hangReads}: reads never complete (for client deadlines).
 * </ul>
 * OPEN_SESSION commands are applied at once and only counted ({@link #sessionsOpened}); they are
 * not in {@link #writes()} and not subject to the scripted failures (a redirect excepted).
 * Used by this module's gRPC tests and, through the test-jar, by the client's tests.
 */
public final class LocalKvService implements KvService {
    private final KvStateMachine kv;
    private final List<KvCommand> writes = new ArrayList<>();
    private final List<ReadConsistency> readConsistencies = new ArrayList<>();
    private final List<Long> readMinIndexes = new ArrayList<>();
    private final Deque<OstrakaException> failures = new ArrayDeque<>();
    private final Deque<OstrakaException> failuresAfterApply = new ArrayDeque<>();
    private final Map<String, String> extraInfo = new LinkedHashMap<>();
    private long index;
    private int applied;
    private int sessionsOpened;
    private OstrakaException redirect;
    private boolean hangReads;

    public LocalKvService() {
        this(KvConfig.DEFAULT);
    }

    /** With {@code config}, e.g. a tiny sessionIdleIndexesMax to make sessions expire. */
    public LocalKvService(KvConfig config) {
        this.kv = KvStateMachine.inMemory(config);
    }

    @Override
    public synchronized CompletableFuture<Result> write(KvCommand command) {
        if (redirect != null) {
            if (!(command.op() instanceof KvOp.OpenSession)) {
                writes.add(command);
            }
            return CompletableFuture.failedFuture(redirect);
        }
        if (command.op() instanceof KvOp.OpenSession) {
            // Openings are not scripted: failures and the write log are about data writes.
            index++;
            sessionsOpened++;
            return CompletableFuture.completedFuture(new Result(kv.apply(index, command), index));
        }
        writes.add(command);
        if (!failures.isEmpty()) {
            return CompletableFuture.failedFuture(failures.poll());
        }
        index++;
        long sessionLastBefore = command.hasSession() ? kv.lastSequence(command.sessionId()) : -1;
        KvResult result = kv.apply(index, command);
        if (!command.hasSession() || (command.sequence() > sessionLastBefore
                && kv.lastSequence(command.sessionId()) == command.sequence())) {
            applied++;
        }
        if (!failuresAfterApply.isEmpty()) {
            return CompletableFuture.failedFuture(failuresAfterApply.poll());
        }
        return CompletableFuture.completedFuture(new Result(result, index));
    }

    @Override
    public synchronized CompletableFuture<Result> read(KvOp op, ReadConsistency consistency, long minIndex) {
        readConsistencies.add(consistency);
        readMinIndexes.add(minIndex);
        if (redirect != null) {
            return CompletableFuture.failedFuture(redirect);
        }
        if (!failures.isEmpty()) {
            return CompletableFuture.failedFuture(failures.poll());
        }
        if (hangReads) {
            return new CompletableFuture<>();
        }
        if (minIndex > index) {
            return CompletableFuture.failedFuture(new OstrakaException(ErrorCode.TIMEOUT,
                    "min index " + minIndex + " is ahead of the applied index " + index));
        }
        return CompletableFuture.completedFuture(new Result(kv.query(op), index));
    }

    @Override
    public synchronized Map<String, String> info() {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("node_id", "1");
        facts.put("role", redirect == null ? "leader" : "follower");
        facts.put("term", "1");
        facts.put("leader_id", redirect == null ? "1" : Long.toString(redirect.leaderId()));
        if (redirect != null && redirect.leaderAddress() != null) {
            facts.put("leader_address", redirect.leaderAddress());
        }
        facts.put("commit_index", Long.toString(index));
        facts.put("applied_index", Long.toString(kv.appliedIndex()));
        facts.putAll(extraInfo);
        return facts;
    }

    /** The next call fails with {@code failure} without touching the store. */
    public synchronized LocalKvService failNext(OstrakaException failure) {
        failures.add(failure);
        return this;
    }

    /** The next write is applied and then answered with {@code failure}. */
    public synchronized LocalKvService failNextWriteAfterApply(OstrakaException failure) {
        failuresAfterApply.add(failure);
        return this;
    }

    /** From now on every call answers NOT_LEADER naming this leader; {@code null} address: no hint. */
    public synchronized LocalKvService redirectTo(long leaderId, String leaderAddress) {
        redirect = OstrakaException.notLeader(leaderId, leaderAddress);
        return this;
    }

    public synchronized LocalKvService hangReads(boolean hang) {
        hangReads = hang;
        return this;
    }

    public synchronized LocalKvService putInfo(String name, String value) {
        extraInfo.put(name, value);
        return this;
    }

    /** How many OPEN_SESSION commands were applied. */
    public synchronized int sessionsOpened() {
        return sessionsOpened;
    }

    /** Every write command received but OPEN_SESSION, in order (retries and refused ones included). */
    public synchronized List<KvCommand> writes() {
        return List.copyOf(writes);
    }

    /** Writes that changed the state machine (a deduplicated session retry does not count). */
    public synchronized int appliedWrites() {
        return applied;
    }

    public synchronized List<ReadConsistency> readConsistencies() {
        return List.copyOf(readConsistencies);
    }

    public synchronized List<Long> readMinIndexes() {
        return List.copyOf(readMinIndexes);
    }

    public synchronized long index() {
        return index;
    }
}
