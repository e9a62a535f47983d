package io.ostraka.client;

import io.grpc.MethodDescriptor;
import io.ostraka.api.kv.v1.KvGrpc;
import io.ostraka.api.kv.v1.OpenSessionRequest;
import io.ostraka.api.kv.v1.OpenSessionResponse;
import io.ostraka.api.kv.v1.Session;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import java.util.random.RandomGenerator;

/**
 * What every view of one client shares: the routing and channels, the retry runner, the write
 * session, the highest log index seen, and the client's timer threads (a small named pool for
 * retry backoffs). Futures complete on the gRPC I/O thread that read the response, so callers
 * must not block in non-async continuations; the blocking client refuses to be called there.
 */
final class ClientCore implements AutoCloseable {
    private static final AtomicInteger CLIENTS = new AtomicInteger();

    private final ScheduledThreadPoolExecutor executor;
    /** Names of the executor's threads start with this. */
    private final String threadPrefix;
    private final Router router;
    private final RequestRunner runner;
    private final WriteSession session;
    // Invariant: never decreases. Reads ask for at least this index, so they never go backwards.
    private final AtomicLong highestIndex = new AtomicLong();
    final Consistency defaultConsistency;

    ClientCore(List<String> endpoints, Duration attemptTimeout, Duration backoffInitial,
               Duration backoffMax, RandomGenerator random, Consistency defaultConsistency, int threads) {
        int clientNumber = CLIENTS.incrementAndGet();
        AtomicInteger threadNumber = new AtomicInteger();
        this.threadPrefix = "ostraka-client-" + clientNumber + "-";
        this.executor = new ScheduledThreadPoolExecutor(threads, runnable -> {
            Thread thread = new Thread(runnable, threadPrefix + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.router = new Router(endpoints);
        this.runner = new RequestRunner(router, executor, random, attemptTimeout, backoffInitial, backoffMax);
        this.session = new WriteSession();
        this.defaultConsistency = defaultConsistency;
    }

    /** A read (or Status): no session; retried freely. */
    <Q, R> CompletableFuture<R> read(MethodDescriptor<Q, R> method, Q request, Duration timeout,
                                     boolean confirmsLeader, ToLongFunction<R> index) {
        return runner.run(method, request, timeout, confirmsLeader).thenApply(response -> seen(response, index));
    }

    /** A write: serialized in the session, built with its session and sequence, retried with them. */
    <Q, R> CompletableFuture<R> write(MethodDescriptor<Q, R> method, Function<Session, Q> request, Duration timeout,
                                      ToLongFunction<R> index) {
        // The deadline counts from now, not from when the write reaches the head of the session's
        // queue: behind a hung leader, the n-th of n queued writes would otherwise wait n timeouts.
        long deadlineNanos = System.nanoTime() + timeout.toNanos();
        return session.submit(s -> {
            Duration left = remaining(deadlineNanos);
            if (left.isZero()) {
                return CompletableFuture.failedFuture(new OstrakaClientException(ErrorCode.TIMEOUT,
                        method.getBareMethodName() + " was not sent: its deadline of " + timeout.toMillis()
                                + " ms passed while it waited behind this client's earlier writes", 0, "", "", 0, null));
            }
            return runner.run(method, request.apply(s), left, true);
        }, () -> openSession(remaining(deadlineNanos))).thenApply(response -> seen(response, index));
    }

    /** The time left until {@code deadlineNanos}; zero once passed (the runner then answers TIMEOUT at once). */
    private static Duration remaining(long deadlineNanos) {
        return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }

    /**
     * Opens a session (retried like any request: a retried opening at worst opens a session
     * nobody uses, which the cluster expires) and completes with its id.
     */
    private CompletableFuture<Long> openSession(Duration timeout) {
        return runner.run(KvGrpc.getOpenSessionMethod(), OpenSessionRequest.getDefaultInstance(), timeout, true)
                .thenApply(response -> seen(response, OpenSessionResponse::getIndex).getSessionId());
    }

    /** One call to {@code address} only (see {@link RequestRunner#once}); its index is not taken as seen. */
    <Q, R> CompletableFuture<R> once(String address, MethodDescriptor<Q, R> method, Q request, Duration timeout) {
        return runner.once(address, method, request, timeout);
    }

    private <R> R seen(R response, ToLongFunction<R> index) {
        long at = index.applyAsLong(response);
        highestIndex.accumulateAndGet(at, Math::max);
        return response;
    }

    long highestIndex() {
        return highestIndex.get();
    }

    long minIndexFor(ReadOptions options) {
        return Math.max(options.minIndex(), highestIndex.get());
    }

    long sessionId() {
        return session.sessionId();
    }

    long lastSequence() {
        return session.lastSequence();
    }

    /** A Status answer named the leader: send the next requests there. */
    void leaderHint(String address) {
        if (!address.isEmpty()) {
            router.notLeader("", address);
        }
    }

    String target() {
        return router.target();
    }

    @Override
    public void close() {
        router.close();
        // Every request still running fails now, so that none depends on a retry the scheduler
        // would have to run (shutdownNow drops them), and none waits out its backoff.
        runner.failPending();
        executor.shutdownNow();
        if (Thread.currentThread().getName().startsWith(threadPrefix)) {
            return; // closed from a callback on our own thread: waiting for it would wait for ourselves
        }
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
