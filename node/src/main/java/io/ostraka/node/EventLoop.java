package io.ostraka.node;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One runtime thread's worth of work. It owns a set of groups: everything that touches a
 * group's core runs here, so the core needs no locks. Each iteration runs the tasks that
 * arrived (messages, proposals, reads, completions), then the ticks that are due by the clock,
 * then lets every group that was touched turn its work into a Ready, and last writes the
 * Readies out — so everything that arrived in one iteration shares one Ready, one fsync (done on
 * this thread: no hand-off to a writer and back) and one message per peer.
 *
 * <p>A loop runs either on a thread of its own ({@link #ownThread}) or on a {@link LoopHost}
 * ({@link #hosted}), usually the transport's I/O thread: then a message read from a peer is
 * queued here without waking anybody, and the iteration that handles it runs right after the
 * host finishes reading — with everything else it read in the same pass.
 */
abstract class EventLoop implements Executor {
    private static final Logger log = LoggerFactory.getLogger(EventLoop.class);
    /** Most tasks in one iteration, so ticks and Readies are not starved by a flood. */
    private static final int TASKS_PER_ITERATION = 10_000;
    /** Longest wait between looks at the clock (an injected clock may jump). */
    private static final long MAX_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final List<GroupRunner> groups = new ArrayList<>();
    private final Clock clock;
    final long tickNanos;
    private long nextTickNanos;
    volatile boolean running = true;

    private EventLoop(Clock clock, long tickNanos) {
        this.clock = clock;
        this.tickNanos = tickNanos;
        this.nextTickNanos = clock.nanoTime() + tickNanos;
    }

    /** A loop on a new daemon thread called {@code name}. */
    static EventLoop ownThread(String name, Clock clock, long tickNanos) {
        return new OwnThread(name, clock, tickNanos);
    }

    /** A loop whose iterations run as tasks of {@code host}. */
    static EventLoop hosted(LoopHost host, Clock clock, long tickNanos) {
        return new Hosted(host, clock, tickNanos);
    }

    abstract void start();

    /**
     * Stops running iterations; waits (a bounded time) for the one in progress, then refuses every
     * task still queued (see {@link Refusable}).
     */
    final void shutdown() {
        stop();
        refuseQueued();
    }

    /** Stops running iterations; waits (a bounded time) for the one in progress. */
    abstract void stop();

    /**
     * Queues {@code task} for the next iteration. On a stopped loop it is refused at once (a
     * {@link Refusable}) or dropped: it would never run.
     */
    @Override
    public final void execute(Runnable task) {
        tasks.add(task);
        wake();
        if (!running) {
            refuseQueued();
        }
    }

    /** Makes sure an iteration comes up to run the tasks queued. */
    abstract void wake();

    /** A task whose submitter waits for it: told when the loop stops before running it. */
    interface Refusable extends Runnable {
        /** The task will never run. Must not block. */
        void refuse();
    }

    /**
     * Once the loop has stopped: refuses every queued task. Called by {@link #shutdown()} and by
     * an {@link #execute} that finds the loop stopped, so a task added at any moment is either run
     * or refused, never silently dropped.
     */
    private void refuseQueued() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            if (task instanceof Refusable refusable) {
                try {
                    refusable.refuse();
                } catch (RuntimeException e) {
                    log.warn("refusing a task after shutdown failed", e);
                }
            }
        }
    }

    /**
     * Whether a message sent during an iteration reaches its socket only after the iteration's
     * host task ends (a hosted loop: the transport's writes are host tasks queued behind it), so
     * that work done after the send delays the message.
     */
    boolean sendsAfterIteration() {
        return false;
    }

    /**
     * Runs {@code task} on the loop after the socket writes of every message sent so far: on a
     * hosted loop, through the host's queue, behind those writes; otherwise like {@link #execute}.
     */
    void executeAfterSends(Runnable task) {
        execute(task);
    }

    /** Adds a group; must be called on the loop (via {@link #execute}). */
    void attach(GroupRunner group) {
        groups.add(group);
    }

    void detach(GroupRunner group) {
        groups.remove(group);
    }

    /** One iteration: {@link #prepare()} then {@link #writeOut()}. */
    final void iterate() {
        prepare();
        writeOut();
    }

    /**
     * The first half of an iteration: tasks, due ticks, then every group's Ready — whose
     * messages that need not wait for the disk (a leader's appends) are sent here. Returns
     * whether some group staged a write for {@link #writeOut()}.
     */
    final boolean prepare() {
        Runnable task;
        int ran = 0;
        while (ran < TASKS_PER_ITERATION && (task = tasks.poll()) != null) {
            runSafely(task);
            ran++;
        }
        catchUpTicks();
        boolean staged = false;
        for (GroupRunner g : groups) {
            guarded(g, g::flush);
            staged |= g.hasStaged();
        }
        return staged;
    }

    /**
     * Runs every tick the clock says has passed, for every group: a long pause must expire leases.
     * Also called from a task before a lease check, since the tasks of an iteration run before its
     * ticks: after a pause, the core would otherwise judge its lease by the time before the pause.
     */
    final void catchUpTicks() {
        long now = clock.nanoTime();
        if (now >= nextTickNanos) {
            long due = (now - nextTickNanos) / tickNanos + 1;
            nextTickNanos += due * tickNanos;
            for (GroupRunner g : groups) {
                guarded(g, () -> g.tick(due));
            }
        }
    }

    /** The second half: one write and one fsync for every group's staged Ready. */
    final void writeOut() {
        for (GroupRunner g : groups) {
            guarded(g, g::writeStaged);
        }
    }

    /** How long until the next tick is due, capped so a jumping clock is noticed; 0 when due. */
    final long nanosToNextTick() {
        return Math.max(0, Math.min(nextTickNanos - clock.nanoTime(), MAX_WAIT_NANOS));
    }

    /**
     * Runs a group's work; if it throws (a broken invariant, a storage error surfacing as an
     * exception) that group stops — its callers get STOPPED — and the loop goes on serving the
     * other groups. A loop thread never dies of one group's failure.
     */
    private static void guarded(GroupRunner g, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException | Error e) {
            g.fail(e);
        }
    }

    private static void runSafely(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            // A task that throws is a bug in the runtime or a broken invariant in a core; the
            // group it belongs to has already stopped itself. Keep the loop serving the others.
            log.error("event loop task failed", e);
        }
    }

    /** Parks between iterations; woken by {@link #execute}. */
    private static final class OwnThread extends EventLoop {
        private final Thread thread;

        OwnThread(String name, Clock clock, long tickNanos) {
            super(clock, tickNanos);
            this.thread = new Thread(this::run, name);
            this.thread.setDaemon(true);
        }

        @Override
        void start() {
            thread.start();
        }

        @Override
        void wake() {
            LockSupport.unpark(thread);
        }

        private void run() {
            while (running) {
                iterate();
                if (tasks.isEmpty()) {
                    long wait = nanosToNextTick();
                    if (wait > 0) {
                        LockSupport.parkNanos(this, wait);
                    }
                }
            }
        }

        @Override
        void stop() {
            running = false;
            LockSupport.unpark(thread);
            try {
                thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Iterations are host tasks: the first task queued while none is pending submits one
     * iteration to the host (tasks queued from the host thread itself cost no wake-up), and a
     * timer on the host submits one when the next tick is due.
     *
     * <p>An iteration's write is a host task of its own, queued after {@link #prepare()}: the
     * messages prepare sent are written to their sockets by host tasks queued while it ran, and
     * those must go first — a leader's appends travel to the followers while its own fsync runs,
     * instead of after it. No prepare runs between a prepare and its write (an iteration that
     * comes up meanwhile waits behind the write), so every fsync follows the socket writes of
     * every message sent before it.
     */
    private static final class Hosted extends EventLoop {
        private final LoopHost host;
        private final AtomicBoolean pending = new AtomicBoolean();
        private final Runnable drain = this::drain;
        private final Runnable writeOut = this::writeOutNow;
        private boolean writeQueued; // on the host thread only
        private Future<?> timer; // on the host thread only

        Hosted(LoopHost host, Clock clock, long tickNanos) {
            super(clock, tickNanos);
            this.host = host;
        }

        @Override
        void start() {
            host.execute(this::onTimer);
        }

        @Override
        boolean sendsAfterIteration() {
            return true;
        }

        @Override
        void executeAfterSends(Runnable task) {
            // Not straight into the task queue: a drain queued on the host before those writes
            // would run the task ahead of them.
            try {
                host.execute(() -> execute(task));
            } catch (RejectedExecutionException e) {
                log.debug("event loop host is shut down; task not run", e);
            }
        }

        @Override
        void wake() {
            requestDrain();
        }

        private void requestDrain() {
            if (!pending.get() && pending.compareAndSet(false, true)) {
                try {
                    host.execute(drain);
                } catch (RejectedExecutionException e) {
                    // The host has shut down (the node is closing): like a stopped loop thread,
                    // the task stays queued and never runs; the node already failed its callers.
                    log.debug("event loop host is shut down; task not run", e);
                }
            }
        }

        private void drain() {
            if (!running) {
                return;
            }
            if (writeQueued) {
                host.execute(drain); // after the write in flight (pending stays set meanwhile)
                return;
            }
            pending.set(false); // before polling: a task queued from now on submits another drain
            if (prepare()) {
                writeQueued = true;
                host.execute(writeOut);
            }
            if (!tasks.isEmpty()) {
                requestDrain(); // more than one iteration's worth: let the host do its I/O first
            }
        }

        private void writeOutNow() {
            writeQueued = false;
            writeOut();
        }

        private void onTimer() {
            if (!running) {
                return;
            }
            long wait = nanosToNextTick();
            if (wait == 0) {
                requestDrain(); // which ticks; look again a tick from now
                wait = tickNanos;
            }
            timer = host.schedule(this::onTimer, wait);
        }

        @Override
        void stop() {
            running = false;
            CompletableFuture<Void> quiet = new CompletableFuture<>();
            try {
                host.execute(() -> {
                    if (timer != null) {
                        timer.cancel(false);
                    }
                    quiet.complete(null);
                });
                quiet.get(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                log.warn("event loop host did not finish its iteration in time", e);
            }
        }
    }
}
