package io.ostraka.log.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Benchmark harness for the log engine (not JMH: closed-loop latency under concurrency is what
 * matters here, and HdrHistogram records it directly). Never run by {@code verify}; see
 * docs/benchmarks.md for how to build and run it.
 *
 * <pre>
 * LogBench &lt;dir&gt; raw [seconds] [threads]
 * LogBench &lt;dir&gt; engine|rocksdb &lt;appenders,...&gt; &lt;entryBytes,...&gt; &lt;groups,...&gt; [measureSeconds]
 * LogBench &lt;dir&gt; recovery [MiB] [entryBytes]
 * </pre>
 */
public final class LogBench {
    private LogBench() {}

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        Files.createDirectories(root);
        switch (args[1]) {
            case "raw" -> System.out.println(RawFsyncBench.run(fresh(root.resolve("raw")), seconds(args, 2, 3),
                    args.length > 3 ? Integer.parseInt(args[3]) : 1));
            case "engine", "rocksdb" -> matrix(root, args);
            case "recovery" -> System.out.println(RecoveryBench.run(fresh(root.resolve("recovery")),
                    (args.length > 2 ? Long.parseLong(args[2]) : 1024) << 20, args.length > 3 ? Integer.parseInt(args[3]) : 1024));
            default -> throw new IllegalArgumentException("unknown benchmark " + args[1]);
        }
    }

    private static void matrix(Path root, String[] args) throws Exception {
        double measure = seconds(args, 5, 2);
        System.out.println("| target | appenders | entry B | groups | entries/s | MB/s | p50 µs | p99 µs | p99.9 µs | fsyncs/s |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        for (String appenders : args[2].split(",")) {
            for (String size : args[3].split(",")) {
                for (String groups : args[4].split(",")) {
                    Path dir = fresh(root.resolve(args[1]));
                    try (LoadDriver.Target target = args[1].equals("engine") ? new EngineTarget(dir) : new RocksTarget(dir)) {
                        LoadDriver.Result result = LoadDriver.run(args[1], target, Integer.parseInt(appenders),
                                Integer.parseInt(size), Integer.parseInt(groups), 1.0, measure);
                        System.out.println(result.row());
                    }
                }
            }
        }
    }

    private static double seconds(String[] args, int position, double fallback) {
        return args.length > position ? Double.parseDouble(args[position]) : fallback;
    }

    static Path fresh(Path dir) throws Exception {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
        Files.createDirectories(dir);
        return dir;
    }
}
