package io.ostraka.sim.check;

import io.ostraka.sim.history.Consistency;
import io.ostraka.sim.history.History;
import io.ostraka.sim.history.OpType;
import io.ostraka.sim.history.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks a KV client history: every operation not made at consistency {@code stale} must be
 * linearizable, and every stale read must satisfy {@link StaleReadChecker}'s session rule.
 *
 * <pre>{@code
 * History history = ...;                       // HistoryBuilder or HistoryReader
 * CheckResult result = LinearizabilityChecker.check(history);
 * if (!result.valid()) {
 *   System.out.println(result.report());       // verdict + minimized failing sub-history
 * }
 * }</pre>
 *
 * <p>The history is split per key (see {@link LinearizabilitySearch} for why that is exact) and
 * each key is searched in key order. Failed operations took no effect and are left out, as are
 * indeterminate gets (they changed nothing and returned nothing) and stale reads. The first
 * {@value #MINIMIZED_KEYS_MAX} failing keys are minimized ({@link Minimizer}); others are listed.
 */
public final class LinearizabilityChecker {
  /** How many failing keys get a minimized sub-history; minimizing reruns the search often. */
  public static final int MINIMIZED_KEYS_MAX = 3;

  private LinearizabilityChecker() {}

  public static CheckResult check(History history) {
    List<KeyFailure> failures = new ArrayList<>();
    int checked = 0;
    Map<String, List<Operation>> byKey = history.operationsByKey();
    for (Map.Entry<String, List<Operation>> key : byKey.entrySet()) {
      List<Operation> ops = searchable(key.getValue());
      checked += ops.size();
      SearchResult result = LinearizabilitySearch.run(ops);
      if (!result.linearizable()) {
        failures.add(failure(key.getKey(), ops, result, failures.size() < MINIMIZED_KEYS_MAX));
      }
    }
    return new CheckResult(history.operations().size(), checked, byKey.size(), failures,
        StaleReadChecker.check(history));
  }

  /** The operations of one key that the linearizability search must place. */
  static List<Operation> searchable(List<Operation> ops) {
    List<Operation> kept = new ArrayList<>(ops.size());
    for (Operation op : ops) {
      boolean failed = op.outcome() == OpType.FAIL;
      boolean stale = op.consistency() == Consistency.STALE;
      boolean unknownRead = op.isIndeterminate() && op.f().isRead();
      if (!failed && !stale && !unknownRead) {
        kept.add(op);
      }
    }
    return kept;
  }

  private static KeyFailure failure(
      String key, List<Operation> ops, SearchResult result, boolean minimize) {
    if (!minimize) {
      return new KeyFailure(key, ops.size(), ops, Map.of(), result.order(), false);
    }
    Minimizer.Minimized minimized = Minimizer.minimize(ops);
    SearchResult ofMinimized = LinearizabilitySearch.run(minimized.kept());
    return new KeyFailure(key, ops.size(), minimized.kept(), minimized.originals(),
        ofMinimized.order(), true);
  }
}
