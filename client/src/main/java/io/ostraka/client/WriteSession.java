package io.ostraka.client;

import io.ostraka.api.kv.v1.Session;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The client's exactly-once session (docs/kv.md, "Exactly-once sessions"): an id the cluster
 * gives out (OpenSession, before the first write) and a sequence numbering its writes. The state
 * machine remembers only the latest sequence per session, so writes are serialized: one in
 * flight, the rest queued in call order; each takes the next sequence when it starts and keeps it
 * through all its retries.
 *
 * <p>If the cluster has forgotten the session (SESSION_EXPIRED: idle for more than the server's
 * sessionIdleIndexesMax, or evicted beyond sessionsMax), a write whose first attempt got that
 * answer was certainly not applied, so it is resent once in a new session. After retries the
 * client cannot know (an earlier attempt may have applied before the session was forgotten), and
 * the error goes to the caller; the next write opens a new session.
 */
final class WriteSession {
    private final Object lock = new Object();
    // Guarded by lock. Invariant: sessionId == 0 (none open) or lastSequence is the sequence of
    // the newest write started in it.
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
    private long sessionId;
    private long lastSequence;

    long sessionId() {
        synchronized (lock) {
            return sessionId;
        }
    }

    long lastSequence() {
        synchronized (lock) {
            return lastSequence;
        }
    }

    /**
     * Runs {@code write} with the next session sequence once every earlier write has completed,
     * first opening a session with {@code open} (which completes with its id) if none is open.
     */
    <T> CompletableFuture<T> submit(Function<Session, CompletableFuture<T>> write, Supplier<CompletableFuture<Long>> open) {
        CompletableFuture<T> result = new CompletableFuture<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        CompletableFuture<Void> previous;
        synchronized (lock) {
            previous = tail;
            tail = done;
        }
        previous.whenComplete((ignored, failure) -> runFlat(() -> start(write, open, result, done, true)));
        return result;
    }

    /** Tasks {@link #runFlat} deferred on this thread, while it runs one; null when it runs none. */
    private static final ThreadLocal<ArrayDeque<Runnable>> DEFERRED = new ThreadLocal<>();

    /**
     * Runs {@code task} now, unless this thread is already running one, in which case it runs
     * right after that one returns. A write that completes at once (a closed client fails every
     * attempt on the caller's thread) starts the next queued write from inside its own
     * completion; nested, thousands of queued writes overflowed the stack, and the
     * StackOverflowError, swallowed by CompletableFuture, left the rest never completed.
     */
    private static void runFlat(Runnable task) {
        ArrayDeque<Runnable> deferred = DEFERRED.get();
        if (deferred != null) {
            deferred.add(task);
            return;
        }
        deferred = new ArrayDeque<>();
        DEFERRED.set(deferred);
        try {
            for (Runnable next = task; next != null; next = deferred.poll()) {
                next.run(); // start() does not throw: a failing write completes its futures
            }
        } finally {
            DEFERRED.remove();
        }
    }

    private <T> void start(Function<Session, CompletableFuture<T>> write, Supplier<CompletableFuture<Long>> open,
                           CompletableFuture<T> result, CompletableFuture<Void> done, boolean mayRenew) {
        if (sessionId() == 0) {
            CompletableFuture<Long> opened;
            try {
                opened = open.get();
            } catch (RuntimeException e) {
                opened = CompletableFuture.failedFuture(e);
            }
            opened.whenComplete((id, failure) -> {
                if (failure != null) {
                    finish(result, done, null, unwrap(failure));
                } else if (id == null || id == 0) {
                    finish(result, done, null, new IllegalStateException("the cluster opened a session with id " + id));
                } else {
                    opened(id);
                    runFlat(() -> start(write, open, result, done, mayRenew));
                }
            });
            return;
        }
        CompletableFuture<T> attempt;
        try {
            attempt = write.apply(next());
        } catch (RuntimeException e) {
            attempt = CompletableFuture.failedFuture(e);
        }
        attempt.whenComplete((value, failure) -> {
            Throwable cause = unwrap(failure);
            if (cause instanceof OstrakaClientException e && e.code() == ErrorCode.SESSION_EXPIRED) {
                forget();
                if (mayRenew && e.attempts() == 1) {
                    runFlat(() -> start(write, open, result, done, false));
                    return;
                }
            }
            finish(result, done, value, cause);
        });
    }

    private static <T> void finish(CompletableFuture<T> result, CompletableFuture<Void> done, T value, Throwable cause) {
        done.complete(null);
        if (cause != null) {
            result.completeExceptionally(cause);
        } else {
            result.complete(value);
        }
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    private Session next() {
        synchronized (lock) {
            lastSequence++;
            return Session.newBuilder().setId(sessionId).setSequence(lastSequence).build();
        }
    }

    private void opened(long id) {
        synchronized (lock) {
            sessionId = id;
            lastSequence = 0;
        }
    }

    private void forget() {
        synchronized (lock) {
            sessionId = 0;
            lastSequence = 0;
        }
    }
}
