package io.ostraka.sim.check;

import io.ostraka.sim.history.Operation;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A key whose sub-history has no linearization.
 *
 * @param key the key
 * @param operationCount how many of its operations the search had to place
 * @param subHistory the smallest failing sub-history found (if {@code minimized}; else all of
 *     the key's operations), in invocation order
 * @param recorded for each operation of {@code subHistory} that the minimizer weakened (made
 *     indeterminate because it completed after the cut, or stripped of a reported version the
 *     violation does not need), keyed by id: the operation as recorded
 * @param longestPartial the longest partial linearization of {@code subHistory} the search found:
 *     the next operation of any linearization would have to be one that had already returned
 * @param minimized whether {@code subHistory} was minimized
 */
public record KeyFailure(
    String key,
    int operationCount,
    List<Operation> subHistory,
    Map<Integer, Operation> recorded,
    List<Operation> longestPartial,
    boolean minimized) {

  public KeyFailure {
    subHistory = List.copyOf(subHistory);
    recorded = java.util.Collections.unmodifiableMap(new TreeMap<>(recorded));
    longestPartial = List.copyOf(longestPartial);
  }
}
