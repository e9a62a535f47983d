package io.ostraka.node;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One runtime thread. It owns a set of groups: everything that touches a group's core runs
 * here, so the core needs no locks. Each iteration runs the tasks that arrived (messages,
 * proposals, reads, completions), then the ticks that are due by the clock, then lets every
 * group that was touched turn its work into a Ready, and last writes the Readies out — so
 * everything that arrived in one iteration shares one Ready, one fsync (done on this thread:
 * no hand-off to a writer and back) and one message per peer.
 */
final class EventLoop implements Executor {
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final List<GroupRunner> groups = new ArrayList<>();
    private final Clock clock;
    private final long tickNanos;
    private volatile boolean running = true;
    private long nextTickNanos;

    EventLoop(String name, Clock clock, long tickNanos) {
        this.clock = clock;
        this.tickNanos = tickNanos;
        this.nextTickNanos = clock.nanoTime() + tickNanos;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        LockSupport.unpark(thread);
    }

    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** Adds a group; must be called on the loop (via {@link #execute}). */
    void attach(GroupRunner group) {
        groups.add(group);
    }

    void detach(GroupRunner group) {
        groups.remove(group);
    }

    private void run() {
        while (running) {
            Runnable task;
            int ran = 0;
            while ((task = tasks.poll()) != null && ran < 10_000) {
                runSafely(task);
                ran++;
            }
            long now = clock.nanoTime();
            if (now >= nextTickNanos) {
                // Catch up on every tick the clock says has passed (a long pause must expire leases).
                long due = (now - nextTickNanos) / tickNanos + 1;
                nextTickNanos += due * tickNanos;
                for (GroupRunner g : groups) {
                    guarded(g, () -> g.tick(due));
                }
            }
            for (GroupRunner g : groups) {
                guarded(g, g::flush);
            }
            for (GroupRunner g : groups) {
                guarded(g, g::writeStaged); // one write and one fsync for every group's Ready
            }
            if (tasks.isEmpty()) {
                long wait = nextTickNanos - clock.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(this, Math.min(wait, TimeUnit.MILLISECONDS.toNanos(50)));
                }
            }
        }
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

    private void runSafely(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            // A task that throws is a bug in the runtime or a broken invariant in a core; the
            // group it belongs to has already stopped itself. Keep the loop serving the others.
            org.slf4j.LoggerFactory.getLogger(EventLoop.class).error("event loop task failed", e);
        }
    }

    void shutdown() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
