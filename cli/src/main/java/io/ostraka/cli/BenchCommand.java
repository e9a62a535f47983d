package io.ostraka.cli;

import io.ostraka.client.AsyncOstrakaClient;
import io.ostraka.client.Consistency;
import io.ostraka.client.OstrakaClient;
import io.ostraka.client.ReadOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ostraka bench}: closed-loop load from N concurrent clients (each its own session and
 * one request in flight), a read/write mix over a key space, live progress every second, and
 * at the end throughput and latency percentiles from an HdrHistogram.
 */
@Command(name = "bench", description = "Measure throughput and latency of a running cluster.")
final class BenchCommand implements Callable<Integer> {
    @Mixin ClientOptions options;

    @Option(names = "--clients", defaultValue = "16", description = "concurrent clients (default ${DEFAULT-VALUE})")
    int clients;

    @Option(names = "--duration", defaultValue = "10s", description = "how long to run (default ${DEFAULT-VALUE}); ignored with --ops")
    String duration;

    @Option(names = "--ops", defaultValue = "0", description = "total operations instead of a duration")
    long ops;

    @Option(names = "--value-size", defaultValue = "100", description = "value bytes (default ${DEFAULT-VALUE})")
    int valueSize;

    @Option(names = "--keys", defaultValue = "10000", description = "key space (default ${DEFAULT-VALUE})")
    int keys;

    @Option(names = "--read-ratio", defaultValue = "0.0", description = "fraction of reads, 0..1 (default ${DEFAULT-VALUE})")
    double readRatio;

    @Option(names = "--consistency", defaultValue = "linearizable", description = "read consistency (default ${DEFAULT-VALUE})")
    Consistency consistency;

    // 10 s, not less: on a 2-vCPU machine this JVM's C2 compiler is still busy with gRPC and
    // Netty more than 10 s in, taking CPU from the cluster it measures (single-client p50 was
    // about 60 µs worse with 5 s of warm-up than with 30 s; docs/benchmarks.md, seventh run).
    @Option(names = "--warmup", defaultValue = "10s", description = "load before measuring, while the JIT compilers settle (default ${DEFAULT-VALUE})")
    String warmup;

    /** The leak detector level of the Netty shaded into grpc-netty-shaded, which the client uses. */
    private static final String CLIENT_LEAK_DETECTION = "io.grpc.netty.shaded.io.netty.leakDetection.level";

    private final Recorder recorder = new Recorder(3);
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private volatile boolean measuring;
    private volatile boolean stop;

    @Override
    public Integer call() throws Exception {
        if (clients < 1 || valueSize < 0 || keys < 1 || readRatio < 0 || readRatio > 1) {
            System.err.println("bench: --clients, --keys must be >= 1, --value-size >= 0, --read-ratio in [0, 1]");
            return 2;
        }
        if (System.getProperty(CLIENT_LEAK_DETECTION) == null) {
            // As in the server: no leak-tracking stack traces in the process that measures.
            System.setProperty(CLIENT_LEAK_DETECTION, "disabled");
        }
        byte[] value = new byte[valueSize];
        new SplittableRandom(1).nextBytes(value);
        List<OstrakaClient> connections = new ArrayList<>();
        try {
            List<CompletableFuture<Void>> loops = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                OstrakaClient c = options.connect();
                connections.add(c);
                loops.add(loop(c.async(), new SplittableRandom(i + 17), value));
            }
            long warmupNanos = ClientOptions.duration(warmup).toNanos();
            if (warmupNanos > 0) {
                // The warm-up runs the measurement's own code (recording each operation, the
                // per-second report), so that the JIT compiles it before the measurement starts:
                // compiled during it, it cost the first seconds' latency and took CPU from the
                // cluster being measured.
                long warmupStart = System.nanoTime();
                progress("warm-up ", warmupStart, warmupStart + warmupNanos, 0);
            }
            recorder.reset();
            done.set(0);
            errors.set(0);
            measuring = true;
            long start = System.nanoTime();
            Histogram total = progress("", start, start + ClientOptions.duration(duration).toNanos(), ops);
            stop = true;
            double seconds = (System.nanoTime() - start) / 1e9;
            Histogram last = recorder.getIntervalHistogram();
            total = total == null ? last : add(total, last);
            CompletableFuture.allOf(loops.toArray(new CompletableFuture[0])).get(30, TimeUnit.SECONDS);
            report(total, seconds);
            return errors.get() == 0 ? 0 : 1;
        } finally {
            for (OstrakaClient c : connections) {
                c.close();
            }
        }
    }

    /**
     * Prints a progress line a second until {@code deadline} (or until {@code opsTarget}
     * operations are done, when positive) and returns the latencies recorded meanwhile.
     */
    private Histogram progress(String phase, long start, long deadline, long opsTarget) throws InterruptedException {
        Histogram total = null;
        long lastDone = 0;
        while (opsTarget > 0 ? done.get() < opsTarget : System.nanoTime() < deadline) {
            long sleepNanos = opsTarget > 0 ? TimeUnit.SECONDS.toNanos(1)
                    : Math.max(1, Math.min(TimeUnit.SECONDS.toNanos(1), deadline - System.nanoTime()));
            TimeUnit.NANOSECONDS.sleep(sleepNanos);
            Histogram interval = recorder.getIntervalHistogram();
            total = total == null ? interval.copy() : add(total, interval);
            long now = done.get();
            System.out.printf("%s%6.1fs %8d ops/s  p50 %7.0f us  p99 %8.0f us  errors %d%n", phase, (System.nanoTime() - start) / 1e9,
                    Math.round((now - lastDone) * 1e9 / sleepNanos), interval.getValueAtPercentile(50) / 1e3,
                    interval.getValueAtPercentile(99) / 1e3, errors.get());
            lastDone = now;
        }
        return total;
    }

    private static Histogram add(Histogram total, Histogram more) {
        total.add(more);
        return total;
    }

    /** One closed-loop client: the next request starts when the previous one completed. */
    private CompletableFuture<Void> loop(AsyncOstrakaClient client, SplittableRandom random, byte[] value) {
        CompletableFuture<Void> finished = new CompletableFuture<>();
        next(client, random, value, finished);
        return finished;
    }

    private void next(AsyncOstrakaClient client, SplittableRandom random, byte[] value, CompletableFuture<Void> finished) {
        if (stop || (ops > 0 && measuring && done.get() >= ops)) {
            finished.complete(null);
            return;
        }
        byte[] key = OstrakaClient.utf8("bench-" + random.nextInt(keys));
        long start = System.nanoTime();
        CompletableFuture<?> op = random.nextDouble() < readRatio
                ? client.get(key, ReadOptions.of(consistency))
                : client.put(key, value);
        op.whenComplete((r, e) -> {
            // Recorded in the warm-up too (then discarded): the same code runs in both.
            recorder.recordValue(Math.max(1, System.nanoTime() - start));
            done.incrementAndGet();
            if (e != null) {
                errors.incrementAndGet();
            }
            next(client, random, value, finished);
        });
    }

    private void report(Histogram h, double seconds) {
        System.out.println();
        System.out.printf("clients %d, value %d B, keys %d, reads %.0f%% (%s)%n", clients, valueSize, keys, readRatio * 100,
                consistency.name().toLowerCase(java.util.Locale.ROOT));
        System.out.printf("operations %d in %.1f s: %.0f ops/s, errors %d%n", h.getTotalCount(), seconds, h.getTotalCount() / seconds, errors.get());
        System.out.printf("latency us: p50 %.0f  p90 %.0f  p99 %.0f  p999 %.0f  max %.0f%n",
                h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(90) / 1e3, h.getValueAtPercentile(99) / 1e3,
                h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3);
    }
}
