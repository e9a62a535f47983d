package io.ostraka.client;

import io.grpc.ClientCall;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Enforces the deadlines of the calls in flight by sweeping them every {@link #PERIOD_NANOS},
 * instead of giving each call a gRPC deadline. grpc-java schedules a call's deadline timer on the
 * <em>next</em> event loop of the channel's group (round robin), not on the loop that carries the
 * call, so most calls woke a second I/O thread once to schedule the timer and once to cancel it —
 * about 35 µs of a single client's write latency on a 2-vCPU machine (docs/benchmarks.md). Here
 * a call costs an insertion into and a removal from a concurrent set, and the sweeper runs only
 * while calls are in flight. A deadline fires up to one period late; an expired call is
 * cancelled and fails with DEADLINE_EXCEEDED, as a gRPC deadline would.
 *
 * <p>The server gets no {@code grpc-timeout} from us: it bounds every request by its own
 * request timeout.
 */
final class DeadlineSweeper {
    static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final ScheduledExecutorService scheduler;
    private final Set<Tracked> inFlight = ConcurrentHashMap.newKeySet();
    /** A sweep is scheduled (or running and will reschedule itself). */
    private final AtomicBoolean sweeping = new AtomicBoolean();

    /** A call in flight and when it expires. */
    static final class Tracked {
        private final ClientCall<?, ?> call;
        private final long deadlineNanos;
        private volatile boolean expired;
        private volatile boolean finished;

        private Tracked(ClientCall<?, ?> call, long deadlineNanos) {
            this.call = call;
            this.deadlineNanos = deadlineNanos;
        }

        /** Whether the sweeper cancelled the call for running out of time. */
        boolean expired() {
            return expired;
        }
    }

    DeadlineSweeper(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
    }

    /** A call to watch once started (see {@link #watch}): it expires at {@code deadlineNanos}. */
    Tracked track(ClientCall<?, ?> call, long deadlineNanos) {
        return new Tracked(call, deadlineNanos);
    }

    /**
     * Starts watching a call that was started (cancelling one that was not would make its start
     * throw). A call that ended meanwhile — it can fail inside its own start — is not kept.
     */
    void watch(Tracked tracked) {
        inFlight.add(tracked);
        if (tracked.finished) {
            inFlight.remove(tracked);
            return;
        }
        if (!sweeping.get() && sweeping.compareAndSet(false, true)) {
            schedule();
        }
    }

    /** The call ended (either way): stop watching it. */
    void done(Tracked tracked) {
        tracked.finished = true;
        inFlight.remove(tracked);
    }

    /** Calls being watched (for tests). */
    int inFlight() {
        return inFlight.size();
    }

    private void schedule() {
        try {
            scheduler.schedule(this::sweep, PERIOD_NANOS, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // The client is closed: its channels are shut down and end every call themselves.
            sweeping.set(false);
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        for (Tracked t : inFlight) {
            if (now - t.deadlineNanos >= 0 && inFlight.remove(t)) {
                t.expired = true;
                t.call.cancel("deadline exceeded", null);
            }
        }
        if (inFlight.isEmpty()) {
            sweeping.set(false);
            // A call tracked between the look and the reset found a sweep pending and did not
            // schedule one: take it on unless another sweep already did.
            if (inFlight.isEmpty() || !sweeping.compareAndSet(false, true)) {
                return;
            }
        }
        schedule();
    }
}
