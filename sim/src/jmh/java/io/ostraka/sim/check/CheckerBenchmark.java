package io.ostraka.sim.check;

import io.ostraka.sim.history.History;
import java.util.Arrays;
import java.util.Locale;

/**
 * Times the linearizability checker on a generated 10,000-operation history over 10 keys with 8
 * concurrent clients (2% failed, 2% indeterminate operations, 10% of reads stale). Not a test:
 * build with {@code -Pbench} and run the printed command (see docs/benchmarks.md). Reports the
 * median and worst of several checks after warm-up, in milliseconds of wall-clock time.
 */
public final class CheckerBenchmark {
  private CheckerBenchmark() {}

  public static void main(String[] args) {
    int operations = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int processes = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    int keys = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    int rounds = 7;
    History history = SimulatedKvClients.generate(42, processes, keys, operations);
    for (int warmup = 0; warmup < 3; warmup++) {
      require(LinearizabilityChecker.check(history));
    }
    long[] elapsedNanos = new long[rounds];
    for (int round = 0; round < rounds; round++) {
      long start = System.nanoTime();
      require(LinearizabilityChecker.check(history));
      elapsedNanos[round] = System.nanoTime() - start;
    }
    Arrays.sort(elapsedNanos);
    System.out.printf(Locale.ROOT,
        "checked %d operations (%d events) on %d keys, %d processes: median %.1f ms, max %.1f ms"
            + " over %d rounds%n",
        history.operations().size(), history.size(), keys, processes,
        elapsedNanos[rounds / 2] / 1e6, elapsedNanos[rounds - 1] / 1e6, rounds);
  }

  private static void require(CheckResult result) {
    if (!result.valid()) {
      throw new IllegalStateException("generated history judged invalid:\n" + result.report());
    }
  }
}
