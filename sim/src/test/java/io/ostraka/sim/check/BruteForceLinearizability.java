package io.ostraka.sim.check;

import io.ostraka.sim.history.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A test oracle: decides linearizability of a small history by trying every order the real-time
 * constraints allow, with no splitting by key, no cache and no linked list — the definition of
 * Herlihy &amp; Wing, executed literally. An operation may go next if no operation that must still
 * be placed (an ok one) returned before it was invoked; indeterminate operations may be placed
 * or left out. Exponential: for histories of at most ~10 operations.
 */
final class BruteForceLinearizability {
  private BruteForceLinearizability() {}

  static boolean isLinearizable(List<Operation> ops) {
    return search(new ArrayList<>(ops), new TreeMap<>());
  }

  private static boolean search(List<Operation> remaining, Map<String, KvState> state) {
    if (remaining.stream().noneMatch(Operation::isOk)) {
      return true;
    }
    for (Operation candidate : remaining) {
      if (!mayGoNext(candidate, remaining)) {
        continue;
      }
      KvState before = state.getOrDefault(candidate.key(), KvState.ABSENT);
      KvState after = KvModel.step(before, candidate);
      if (after == null) {
        continue;
      }
      List<Operation> rest = new ArrayList<>(remaining);
      rest.remove(candidate);
      Map<String, KvState> next = new TreeMap<>(state);
      next.put(candidate.key(), after);
      if (search(rest, next)) {
        return true;
      }
    }
    return false;
  }

  private static boolean mayGoNext(Operation candidate, List<Operation> remaining) {
    for (Operation other : remaining) {
      if (other.isOk() && other.completeIndex() < candidate.invokeIndex()) {
        return false;
      }
    }
    return true;
  }
}
