package io.ostraka.sim.check;

import io.ostraka.sim.history.KvFunction;
import io.ostraka.sim.history.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Shrinks one key's non-linearizable sub-history to a small one that is still non-linearizable,
 * using only reductions under which "the smaller history fails" implies "the original fails". So
 * what we print is itself a proof of the violation, not one the minimizer manufactured — naive
 * greedy dropping would delete the write a read observed and "find" a read of a value never
 * written. The reductions, each kept only while the result still fails:
 *
 * <ol>
 *   <li><b>Shortest failing prefix.</b> Cut after an event: operations invoked later are dropped,
 *       operations still running become indeterminate. A linearization of the whole history
 *       yields one of every prefix, so failure is monotone in the cut: binary search for the
 *       earliest failing one (the point Knossos reports).
 *   <li><b>Weakening outputs.</b> An operation that reports less admits every linearization it
 *       admitted before: forget every reported version and treat every cas as the put it amounts
 *       to when it takes effect; failing that, forget only the versions; failing that, keep all.
 *   <li><b>Greedy dropping</b>, first of every read but the operation the prefix ends with, then
 *       (delta debugging, Zeller &amp; Hildebrandt 2002: chunks of halving
 *       size, then one by one to a fixed point) of operations whose removal is sound: any read
 *       (it changes no state), and a write W when every other operation that completes after W
 *       was invoked (so may follow W in a linearization) neither depends on versions (a cas, a
 *       version reported) nor is a get that returned W's value. Removing W from a linearization
 *       then changes only versions and the value between W and the next write, which no
 *       remaining operation looks at.
 * </ol>
 *
 * <p>Each step reruns the search; minimizing stops after {@value #SEARCHES_MAX} searches and
 * returns the smallest failing history found so far (still a proof, possibly not minimal).
 */
final class Minimizer {
  /** Bound on searches per minimization, so a huge failing key is reported in bounded time. */
  static final int SEARCHES_MAX = 1_000;

  private int searches;

  private Minimizer() {}

  /**
   * The minimized history.
   *
   * @param kept the operations kept, in invocation order, possibly weakened
   * @param originals for each weakened operation (by id), the operation as recorded
   */
  record Minimized(List<Operation> kept, Map<Integer, Operation> originals) {}

  static Minimized minimize(List<Operation> failing) {
    return new Minimizer().run(failing);
  }

  private Minimized run(List<Operation> failing) {
    List<Operation> current = shortestFailingPrefix(failing);
    current = weakenOutputs(current);
    current = dropGreedily(current);
    Map<Integer, Operation> originals = new TreeMap<>();
    for (Operation original : failing) {
      for (Operation kept : current) {
        if (kept.id() == original.id() && !kept.equals(original)) {
          originals.put(original.id(), original);
        }
      }
    }
    return new Minimized(current, originals);
  }

  private List<Operation> shortestFailingPrefix(List<Operation> ops) {
    List<Integer> cuts = new ArrayList<>();
    for (Operation op : ops) {
      if (op.isOk()) {
        cuts.add(op.completeIndex() + 1);
      }
    }
    if (cuts.isEmpty()) {
      return ops;
    }
    cuts.sort(null);
    int low = 0;
    int high = cuts.size() - 1; // the full history fails, so the last cut does
    while (low < high) {
      int middle = (low + high) >>> 1;
      if (fails(prefix(ops, cuts.get(middle)))) {
        high = middle;
      } else {
        low = middle + 1;
      }
    }
    return prefix(ops, cuts.get(low));
  }

  /** The operations invoked before event position {@code cut}, as they stood at the cut. */
  static List<Operation> prefix(List<Operation> ops, int cut) {
    List<Operation> prefix = new ArrayList<>();
    for (Operation op : ops) {
      if (op.invokeIndex() >= cut) {
        continue;
      }
      boolean running = op.isIndeterminate() || op.completeIndex() >= cut;
      if (running && op.f().isRead()) {
        continue; // a read with no result constrains nothing
      }
      prefix.add(running ? op.asIndeterminate() : op);
    }
    return prefix;
  }

  private List<Operation> weakenOutputs(List<Operation> ops) {
    List<Operation> weakest = new ArrayList<>(ops);
    weakest.replaceAll(op -> op.withoutOutputVersion().casAsPut());
    if (fails(weakest)) {
      return weakest;
    }
    List<Operation> withoutVersions = new ArrayList<>(ops);
    withoutVersions.replaceAll(Operation::withoutOutputVersion);
    return fails(withoutVersions) ? withoutVersions : ops;
  }

  private List<Operation> dropGreedily(List<Operation> ops) {
    List<Operation> current = dropOtherReads(ops);
    for (int chunk = Math.max(1, current.size() / 2); chunk > 1; chunk /= 2) {
      current = dropChunks(current, chunk);
    }
    while (true) {
      int before = current.size();
      current = dropChunks(current, 1);
      if (current.size() == before || searches >= SEARCHES_MAX) {
        return current;
      }
    }
  }

  /**
   * A common shortcut: keep only the writes and the operation that completed last (the one the
   * prefix cut ended on). Once no read remains to observe them, most writes can go too.
   */
  private List<Operation> dropOtherReads(List<Operation> ops) {
    Operation last = ops.get(0);
    for (Operation op : ops) {
      if (op.completeIndex() > last.completeIndex()) {
        last = op;
      }
    }
    List<Operation> candidate = new ArrayList<>();
    for (Operation op : ops) {
      if (!op.f().isRead() || op == last) {
        candidate.add(op);
      }
    }
    return candidate.size() < ops.size() && fails(candidate) ? candidate : new ArrayList<>(ops);
  }

  /** One pass from the end (the failure is there), trying to drop each run of {@code chunk}. */
  private List<Operation> dropChunks(List<Operation> ops, int chunk) {
    List<Operation> current = ops;
    for (int end = current.size(); end > 0; end -= chunk) {
      int start = Math.max(0, end - chunk);
      List<Operation> candidate = new ArrayList<>(current.subList(0, start));
      candidate.addAll(current.subList(end, current.size()));
      if (searches < SEARCHES_MAX && soundToDrop(current.subList(start, end), candidate)
          && fails(candidate)) {
        current = candidate;
      }
    }
    return current;
  }

  /** Whether removing {@code dropped} from a linearizable history leaves one (see above). */
  static boolean soundToDrop(List<Operation> dropped, List<Operation> remaining) {
    for (Operation write : dropped) {
      if (write.f().isRead()) {
        continue;
      }
      for (Operation other : remaining) {
        boolean mayFollow =
            other.isIndeterminate() || other.completeIndex() > write.invokeIndex();
        if (mayFollow && looksAt(other, write)) {
          return false;
        }
      }
    }
    return true;
  }

  /** Whether {@code other} would notice {@code write} missing from before it. */
  private static boolean looksAt(Operation other, Operation write) {
    if (other.f() == KvFunction.CAS || (other.isOk() && other.hasOutputVersion())) {
      return true;
    }
    if (other.f() != KvFunction.GET || !other.isOk()) {
      return false;
    }
    String written = write.f() == KvFunction.DELETE ? null : write.value();
    return written == null ? other.readValue() == null : written.equals(other.readValue());
  }

  private boolean fails(List<Operation> ops) {
    searches++;
    return !LinearizabilitySearch.run(ops).linearizable();
  }
}
