package io.ostraka.node;

import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A single thread, owned by someone else, that can run a node's event loop: typically a
 * transport's network I/O thread. A loop hosted there receives the messages that thread reads
 * and writes the messages it sends without waking another thread, which on a small machine is
 * most of a round trip's cost. See {@link Transport#loopHosts()}.
 *
 * <p>The host must run every task on the same thread, in submission order, and never run two
 * at once. Tasks submitted from the host thread itself run after the work in hand (they must
 * not run inline).
 */
public interface LoopHost {
    /** Runs {@code task} on the host thread soon. */
    void execute(Runnable task);

    /** Runs {@code task} once on the host thread after about {@code delayNanos}; cancel through the future. */
    Future<?> schedule(Runnable task, long delayNanos);

    /** A host on a single-threaded scheduled executor, such as a Netty event loop. */
    static LoopHost of(ScheduledExecutorService singleThread) {
        return new LoopHost() {
            @Override
            public void execute(Runnable task) {
                singleThread.execute(task);
            }

            @Override
            public Future<?> schedule(Runnable task, long delayNanos) {
                return singleThread.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
            }
        };
    }
}
