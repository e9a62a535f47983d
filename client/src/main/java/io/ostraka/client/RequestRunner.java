package io.ostraka.client;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.random.RandomGenerator;

/**
 * Runs one unary call to completion: sends it where the {@link Router} says, and on a retryable
 * failure (NOT_LEADER, NO_QUORUM, TIMEOUT, STOPPED, UNAVAILABLE) tries again — at once when a
 * NOT_LEADER named a new leader, otherwise after an exponential backoff with jitter — until the
 * request's deadline. Each attempt gets the remaining time, capped at the attempt timeout, so one
 * hung node cannot eat the whole deadline.
 *
 * <p>Retrying a write is safe only because every write carries its session and sequence: a
 * retry of a write that did apply is answered with the first result (docs/kv.md).
 */
final class RequestRunner {
    private final Router router;
    /** Results of the requests started with {@link #run} and not yet complete. */
    private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();
    /** The least time worth starting another attempt with. */
    static final long MIN_ATTEMPT_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final ScheduledExecutorService scheduler;
    private final DeadlineSweeper deadlines;
    private final RandomGenerator random;
    private final long attemptTimeoutNanos;
    private final long backoffInitialNanos;
    private final long backoffMaxNanos;

    RequestRunner(Router router, ScheduledExecutorService scheduler, RandomGenerator random, Duration attemptTimeout,
                  Duration backoffInitial, Duration backoffMax) {
        this.router = router;
        this.scheduler = scheduler;
        this.deadlines = new DeadlineSweeper(scheduler);
        this.random = random;
        this.attemptTimeoutNanos = attemptTimeout.toNanos();
        this.backoffInitialNanos = backoffInitial.toNanos();
        this.backoffMaxNanos = backoffMax.toNanos();
    }

    /**
     * @param confirmsLeader whether an answer proves the node is the leader (writes, linearizable
     *     and lease reads); a follower answers stale and follower reads and Status too
     */
    <Q, R> CompletableFuture<R> run(MethodDescriptor<Q, R> method, Q request, Duration timeout,
                                    boolean confirmsLeader) {
        Call<Q, R> call = new Call<>(method, request, timeout, confirmsLeader);
        pending.add(call.result);
        call.result.whenComplete((r, e) -> pending.remove(call.result));
        call.attempt();
        return call.result;
    }

    /**
     * Fails every request still running with STOPPED: the client is closing, and a retry waiting in
     * the scheduler may never run (close() stops the scheduler).
     */
    void failPending() {
        OstrakaClientException stopped = new OstrakaClientException(ErrorCode.STOPPED, "the client is closed");
        for (CompletableFuture<?> f : List.copyOf(pending)) {
            f.completeExceptionally(stopped);
        }
    }

    /**
     * One attempt at {@code address} and nowhere else: no retry, no redirect, and what the router
     * believes about the leader is left alone (for asking a particular node, as a status page does).
     */
    <Q, R> CompletableFuture<R> once(String address, MethodDescriptor<Q, R> method, Q request, Duration timeout) {
        CompletableFuture<R> result = new CompletableFuture<>();
        // Pending like any request: close() fails it, even when closed from a callback (which
        // cannot wait for the channels) and with the deadline sweeper already stopped.
        pending.add(result);
        result.whenComplete((r, e) -> pending.remove(result));
        ManagedChannel channel;
        try {
            channel = router.channel(address);
        } catch (OstrakaClientException e) {
            result.completeExceptionally(e);
            return result;
        }
        unary(channel, method, request, timeout.toNanos(), (response, failure) -> {
            if (failure != null) {
                result.completeExceptionally(Errors.fromThrowable(failure));
            } else {
                result.complete(response);
            }
        });
        return result;
    }

    /** Whether this thread is running a client callback (see {@link #inCallback()}). */
    private static final ThreadLocal<Boolean> IN_CALLBACK = ThreadLocal.withInitial(() -> false);

    /**
     * Whether the current thread is completing a client future: a gRPC I/O thread, which must
     * not block — the response a blocking call waits for may have to be read by this very thread.
     */
    static boolean inCallback() {
        return IN_CALLBACK.get();
    }

    /** Runs {@code work} with {@link #inCallback()} set: it may complete a caller's future. */
    private static void asCallback(Runnable work) {
        boolean outer = !IN_CALLBACK.get();
        IN_CALLBACK.set(true);
        try {
            work.run();
        } finally {
            if (outer) {
                IN_CALLBACK.set(false);
            }
        }
    }

    /**
     * One unary call with a deadline (enforced by {@link DeadlineSweeper}); {@code done} gets its
     * response or its failure, on the I/O thread that read it (the channels have a direct
     * executor) with {@link #inCallback()} set.
     */
    private <Q, R> void unary(ManagedChannel channel, MethodDescriptor<Q, R> method, Q request, long timeoutNanos,
                              BiConsumer<R, Throwable> done) {
        ClientCall<Q, R> call = channel.newCall(method, CallOptions.DEFAULT);
        DeadlineSweeper.Tracked tracked = deadlines.track(call, System.nanoTime() + timeoutNanos);
        ClientCalls.asyncUnaryCall(call, request, new StreamObserver<R>() {
            private R response;

            @Override
            public void onNext(R value) {
                response = value;
            }

            @Override
            public void onError(Throwable t) {
                finish(null, tracked.expired()
                        ? Status.DEADLINE_EXCEEDED.withDescription(method.getBareMethodName() + ": no answer within "
                                + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms").asRuntimeException()
                        : t);
            }

            @Override
            public void onCompleted() {
                finish(response, null);
            }

            private void finish(R value, Throwable failure) {
                deadlines.done(tracked);
                asCallback(() -> done.accept(value, failure));
            }
        });
        deadlines.watch(tracked);
    }

    /** One request and its attempts. */
    private final class Call<Q, R> {
        final MethodDescriptor<Q, R> method;
        final Q request;
        final Duration timeout;
        final boolean confirmsLeader;
        final long deadlineNanos;
        /**
         * The caller's gRPC context: a call is bound to it, and its cancellation fails the call
         * with CANCELLED, which must end the request rather than be retried (a retry runs on the
         * client's pool, outside that context, and would send it again).
         */
        final Context callerContext = Context.current();
        final CompletableFuture<R> result = new CompletableFuture<>();
        // Touched by one attempt at a time: attempts are sequential.
        int attempts;
        int backoffs;
        int redirectsInARow;
        OstrakaClientException lastError;

        Call(MethodDescriptor<Q, R> method, Q request, Duration timeout, boolean confirmsLeader) {
            this.method = method;
            this.request = request;
            this.timeout = timeout;
            this.confirmsLeader = confirmsLeader;
            this.deadlineNanos = System.nanoTime() + timeout.toNanos();
        }

        void attempt() {
            if (result.isDone()) {
                return; // cancelled by the caller
            }
            if (callerContext.isCancelled()) {
                result.completeExceptionally(callerCancelled());
                return;
            }
            long remainingNanos = deadlineNanos - System.nanoTime();
            // An attempt with almost no time left can only time out on its own clipped deadline,
            // and would then hide the server's last answer (say NOT_LEADER) behind that TIMEOUT.
            if (remainingNanos <= 0 || (attempts > 0 && remainingNanos < MIN_ATTEMPT_NANOS)) {
                result.completeExceptionally(timedOut());
                return;
            }
            String target = router.target();
            ManagedChannel channel;
            try {
                channel = router.channel(target);
            } catch (OstrakaClientException e) {
                result.completeExceptionally(e);
                return;
            }
            attempts++;
            boolean clipped = remainingNanos < attemptTimeoutNanos;
            unary(channel, method, request, Math.min(remainingNanos, attemptTimeoutNanos), (response, failure) -> {
                if (failure != null) {
                    failed(target, failure, clipped);
                    return;
                }
                if (confirmsLeader) {
                    router.succeeded(target);
                }
                result.complete(response);
            });
        }

        void failed(String target, Throwable t, boolean clipped) {
            if (callerContext.isCancelled()) {
                result.completeExceptionally(callerCancelled());
                return;
            }
            OstrakaClientException error = Errors.fromThrowable(t).withAttempts(attempts);
            // An attempt cut short by the request's own deadline says nothing about the cluster:
            // keep the server's previous answer (say NOT_LEADER) as the error to report.
            if (!(clipped && error.code() == ErrorCode.TIMEOUT && lastError != null)) {
                lastError = error;
            }
            if (!error.code().isRetryable()) {
                result.completeExceptionally(error);
                return;
            }
            long delayNanos;
            boolean redirected = false;
            if (error.code() == ErrorCode.NOT_LEADER) {
                redirected = router.notLeader(target, error.leaderAddress());
            } else {
                router.failed(target);
            }
            // Follow a fresh leader hint at once, but not forever: two nodes pointing at each
            // other (an election in progress) must not spin.
            redirectsInARow = redirected ? redirectsInARow + 1 : 0;
            delayNanos = redirected && redirectsInARow <= 2 ? 0 : nextBackoffNanos();
            if (System.nanoTime() + delayNanos + MIN_ATTEMPT_NANOS >= deadlineNanos) {
                result.completeExceptionally(timedOut());
                return;
            }
            try {
                scheduler.schedule(this::scheduledAttempt, delayNanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                result.completeExceptionally(new OstrakaClientException(ErrorCode.STOPPED, "the client is closed"));
            }
        }

        /**
         * A retry, on the client's scheduler thread. It may complete the caller's future (a
         * timeout, a cancelled caller, a closed client), so it runs as a callback: the caller's
         * code chained there must not block this thread, which enforces every request's deadline
         * and runs every retry. Nothing it throws may go unanswered.
         */
        void scheduledAttempt() {
            asCallback(() -> {
                try {
                    attempt();
                } catch (RuntimeException e) {
                    result.completeExceptionally(new OstrakaClientException(ErrorCode.INTERNAL,
                            method.getBareMethodName() + " failed in the client: " + e, 0, "", "", attempts, e));
                }
            });
        }

        /** Equal jitter: half the exponential step, plus a random part of the other half. */
        long nextBackoffNanos() {
            long step = backoffInitialNanos;
            for (int i = 0; i < backoffs && step < backoffMaxNanos; i++) {
                step <<= 1; // stops at the maximum, long before it could overflow
            }
            if (step <= 0 || step > backoffMaxNanos) {
                step = backoffMaxNanos;
            }
            backoffs++;
            long half = step / 2;
            if (half == 0) {
                return 0;
            }
            synchronized (random) { // a caller's RandomGenerator need not be thread-safe
                return half + random.nextLong(half + 1);
            }
        }

        OstrakaClientException callerCancelled() {
            return new OstrakaClientException(ErrorCode.INTERNAL, method.getBareMethodName() + " was abandoned: the caller's"
                    + " gRPC context was cancelled" + (attempts > 0 ? " (a write sent before may still apply)" : ""),
                    0, "", "", attempts, null);
        }

        OstrakaClientException timedOut() {
            String last = lastError == null ? "" : "; last error: " + lastError.code() + ": " + lastError.getMessage();
            OstrakaClientException base = lastError;
            return new OstrakaClientException(ErrorCode.TIMEOUT, method.getBareMethodName() + " did not complete within "
                    + timeout.toMillis() + " ms (" + attempts + " attempts)" + last,
                    base == null ? 0 : base.leaderId(), base == null ? "" : base.leaderAddress(), "", attempts, base);
        }
    }
}
