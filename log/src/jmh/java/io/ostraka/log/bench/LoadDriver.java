package io.ostraka.log.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Closed-loop load: {@code appenders} threads, each appending one entry of {@code entryBytes}
 * and waiting until it is durable before the next, spread over {@code groups} groups
 * (appender k writes group k mod groups; with fewer appenders than groups each appender
 * round-robins over its share). Latency is submit-to-durable, in microseconds, recorded in
 * HdrHistogram after a warm-up.
 */
final class LoadDriver {
    /** One durable append of {@code data} to {@code group}; returns when it is durable. */
    interface Target extends AutoCloseable {
        void appendDurably(long group, byte[] data) throws Exception;

        /** fsyncs issued so far, or -1 when the target does not report them. */
        default long fsyncs() {
            return -1;
        }
    }

    record Result(String target, int appenders, int entryBytes, int groups, long entries, double seconds,
                  Histogram latencyMicros, long fsyncs) {
        double entriesPerSecond() {
            return entries / seconds;
        }

        double megabytesPerSecond() {
            return entries * (double) entryBytes / seconds / (1 << 20);
        }

        String row() {
            return String.format(java.util.Locale.ROOT, "| %s | %d | %d | %d | %,.0f | %.1f | %d | %d | %d | %s |",
                    target, appenders, entryBytes, groups, entriesPerSecond(), megabytesPerSecond(),
                    latencyMicros.getValueAtPercentile(50), latencyMicros.getValueAtPercentile(99),
                    latencyMicros.getValueAtPercentile(99.9), fsyncs < 0 ? "n/a" : String.format(java.util.Locale.ROOT, "%,.0f", fsyncs / seconds));
        }
    }

    private LoadDriver() {}

    static Result run(String name, Target target, int appenders, int entryBytes, int groups,
                      double warmupSeconds, double measureSeconds) throws Exception {
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong entries = new AtomicLong();
        List<Histogram> histograms = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int t = 0; t < appenders; t++) {
            Histogram histogram = new Histogram(60_000_000L, 3);
            histograms.add(histogram);
            int thread = t;
            threads.add(new Thread(() -> {
                byte[] data = new byte[entryBytes];
                long turn = 0;
                try {
                    while (!stop.get()) {
                        long group = groups <= appenders ? thread % groups + 1
                                : (thread + (turn++ % ((groups + appenders - 1 - thread) / appenders)) * appenders) % groups + 1;
                        long start = System.nanoTime();
                        target.appendDurably(group, data);
                        if (measuring.get()) {
                            histogram.recordValue(Math.max(1, (System.nanoTime() - start) / 1000));
                            entries.incrementAndGet();
                        }
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            }, "appender-" + t));
        }
        threads.forEach(Thread::start);
        sleepSeconds(warmupSeconds);
        measuring.set(true);
        long fsyncsBefore = target.fsyncs();
        long start = System.nanoTime();
        sleepSeconds(measureSeconds);
        measuring.set(false);
        double seconds = (System.nanoTime() - start) / 1e9;
        long fsyncs = fsyncsBefore < 0 ? -1 : target.fsyncs() - fsyncsBefore;
        stop.set(true);
        for (Thread thread : threads) {
            thread.join();
        }
        if (!errors.isEmpty()) {
            throw new IllegalStateException("appender failed", errors.get(0));
        }
        Histogram all = new Histogram(60_000_000L, 3);
        histograms.forEach(all::add);
        return new Result(name, appenders, entryBytes, groups, entries.get(), seconds, all, fsyncs);
    }

    static void sleepSeconds(double seconds) throws InterruptedException {
        Thread.sleep((long) (seconds * 1000));
    }
}
