package io.ostraka.sim.check;

import io.ostraka.sim.history.Consistency;
import io.ostraka.sim.history.Event;
import io.ostraka.sim.history.History;
import io.ostraka.sim.history.KvFunction;
import io.ostraka.sim.history.Operation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Times the linearizability checker on a generated 10,000-operation history over 10 keys with 8
 * concurrent clients (2% failed, 2% indeterminate operations, 10% of reads stale). Not a test:
 * build with {@code -Pbench} and run the command in docs/benchmarks.md. Reports the median and
 * worst of several checks after warm-up, in milliseconds of wall-clock time.
 *
 * <p>Arguments: {@code [OPERATIONS [PROCESSES [KEYS [PLANT_AT]]]]}. With {@code PLANT_AT} (a
 * fraction, e.g. 0.75) one linearizable read that far into the history is changed to return the
 * key's first written value — a stale read — and the timed check includes finding and minimizing
 * the violation.
 */
public final class CheckerBenchmark {
  private CheckerBenchmark() {}

  public static void main(String[] args) {
    int operations = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int processes = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    int keys = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    int rounds = 7;
    History history = SimulatedKvClients.generate(42, processes, keys, operations);
    boolean planted = args.length > 3;
    if (planted) {
      history = plantStaleRead(history, Double.parseDouble(args[3]));
    }
    for (int warmup = 0; warmup < 3; warmup++) {
      require(LinearizabilityChecker.check(history), planted);
    }
    long[] elapsedNanos = new long[rounds];
    for (int round = 0; round < rounds; round++) {
      long start = System.nanoTime();
      require(LinearizabilityChecker.check(history), planted);
      elapsedNanos[round] = System.nanoTime() - start;
    }
    Arrays.sort(elapsedNanos);
    System.out.printf(Locale.ROOT,
        "checked %d operations (%d events) on %d keys, %d processes%s: median %.1f ms,"
            + " max %.1f ms over %d rounds%n",
        history.operations().size(), history.size(), keys, processes,
        planted ? ", one stale read planted at " + args[3] : "",
        elapsedNanos[rounds / 2] / 1e6, elapsedNanos[rounds - 1] / 1e6, rounds);
  }

  private static void require(CheckResult result, boolean planted) {
    if (result.linearizable() == planted) {
      throw new IllegalStateException("wrong verdict:\n" + result.report());
    }
  }

  private static History plantStaleRead(History history, double at) {
    List<Operation> reads = new ArrayList<>();
    for (Operation op : history.operations()) {
      if (op.f() == KvFunction.GET && op.isOk() && op.readValue() != null
          && op.consistency() != Consistency.STALE) {
        reads.add(op);
      }
    }
    Operation read = reads.get((int) (reads.size() * at));
    for (Operation write : history.operations()) {
      if (write.key().equals(read.key()) && write.f() == KvFunction.PUT && write.isOk()
          && !write.value().equals(read.readValue())) {
        Event completion = history.events().get(read.completeIndex());
        return Mutations.replaceCompletion(history, read,
            Mutations.withRead(completion, write.value(), write.outputVersion()));
      }
    }
    throw new IllegalStateException("no earlier write to read on " + read.key());
  }
}
