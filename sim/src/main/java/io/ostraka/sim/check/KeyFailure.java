package io.ostraka.sim.check;

import io.ostraka.sim.history.Operation;
import java.util.List;

/**
 * A key whose sub-history has no linearization.
 *
 * @param key the key
 * @param operationCount how many of its operations the search had to place
 * @param subHistory the smallest failing sub-history found (if {@code minimized}; else all of
 *     the key's operations), in invocation order
 * @param weakened operations of {@code subHistory} that completed after the cut of the shortest
 *     failing prefix and are therefore shown as indeterminate
 * @param longestPartial the longest partial linearization of {@code subHistory} the search found:
 *     the next operation of any linearization would have to be one that had already returned
 * @param minimized whether {@code subHistory} was minimized
 */
public record KeyFailure(
    String key,
    int operationCount,
    List<Operation> subHistory,
    List<Operation> weakened,
    List<Operation> longestPartial,
    boolean minimized) {

  public KeyFailure {
    subHistory = List.copyOf(subHistory);
    weakened = List.copyOf(weakened);
    longestPartial = List.copyOf(longestPartial);
  }
}
