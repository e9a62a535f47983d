package io.ostraka.sim.check;

import io.ostraka.sim.history.Operation;
import java.util.ArrayList;
import java.util.List;

/**
 * Shrinks one key's non-linearizable sub-history to a small one that is still non-linearizable,
 * using only reductions under which "the smaller history fails" implies "the original fails", so
 * that what we print is itself a proof of the violation, not a new one we manufactured:
 *
 * <ol>
 *   <li><b>Shortest failing prefix.</b> Cut the history after an event; operations invoked after
 *       the cut are dropped, operations still running at the cut become indeterminate. A
 *       linearization of the whole history yields one of every prefix, so failure is monotone in
 *       the cut and we binary-search for the earliest failing one (Knossos reports the same
 *       point).
 *   <li><b>Greedy dropping</b> (delta debugging, Zeller &amp; Hildebrandt 2002: chunks of
 *       halving size, then one by one until nothing more can go) of operations whose removal
 *       keeps the history failing and is sound: a read (it changes no state), or a write that no
 *       remaining observing operation (a get, a cas, a put or delete reporting a version — see
 *       {@link KvModel#observes}) completes after the write was invoked. Such a write is ordered
 *       after every observer in any linearization, so deleting it from one leaves a linearization
 *       of the rest. Dropping any write instead would let the minimizer "find" an unexplained
 *       read that the real history explains.
 * </ol>
 */
final class Minimizer {
  private Minimizer() {}

  /** The minimized history: the operations kept, and which of them were cut to indeterminate. */
  record Minimized(List<Operation> kept, List<Operation> weakened) {}

  static Minimized minimize(List<Operation> failing) {
    List<Operation> prefix = shortestFailingPrefix(failing);
    List<Operation> kept = dropGreedily(prefix);
    List<Operation> weakened = new ArrayList<>();
    for (Operation op : kept) {
      if (op.isIndeterminate() && !failing.get(indexOf(failing, op)).isIndeterminate()) {
        weakened.add(op);
      }
    }
    return new Minimized(kept, weakened);
  }

  private static int indexOf(List<Operation> ops, Operation op) {
    for (int i = 0; i < ops.size(); i++) {
      if (ops.get(i).id() == op.id()) {
        return i;
      }
    }
    throw new IllegalArgumentException("operation " + op.id() + " not in the history");
  }

  private static List<Operation> shortestFailingPrefix(List<Operation> ops) {
    List<Integer> cuts = new ArrayList<>();
    for (Operation op : ops) {
      if (op.isOk()) {
        cuts.add(op.completeIndex() + 1);
      }
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
    return cuts.isEmpty() ? ops : prefix(ops, cuts.get(low));
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

  private static List<Operation> dropGreedily(List<Operation> ops) {
    List<Operation> current = new ArrayList<>(ops);
    for (int chunk = Math.max(1, current.size() / 2); chunk >= 1; chunk /= 2) {
      current = dropChunks(current, chunk);
    }
    while (true) {
      int before = current.size();
      current = dropChunks(current, 1);
      if (current.size() == before) {
        return current;
      }
    }
  }

  /** One pass from the end (the failure is there), trying to drop each run of {@code chunk}. */
  private static List<Operation> dropChunks(List<Operation> ops, int chunk) {
    List<Operation> current = ops;
    for (int end = current.size(); end > 0; end -= chunk) {
      int start = Math.max(0, end - chunk);
      if (end > current.size()) {
        continue;
      }
      List<Operation> candidate = new ArrayList<>(current.subList(0, start));
      candidate.addAll(current.subList(end, current.size()));
      if (soundToDrop(current.subList(start, end), candidate) && fails(candidate)) {
        current = candidate;
      }
    }
    return current;
  }

  static boolean soundToDrop(List<Operation> dropped, List<Operation> remaining) {
    for (Operation op : dropped) {
      if (op.f().isRead()) {
        continue;
      }
      for (Operation other : remaining) {
        boolean completesAfterInvoke =
            other.isIndeterminate() || other.completeIndex() > op.invokeIndex();
        if (KvModel.observes(other) && completesAfterInvoke) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean fails(List<Operation> ops) {
    return !LinearizabilitySearch.run(ops).linearizable();
  }
}
