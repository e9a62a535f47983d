package io.ostraka.sim.check;

import io.ostraka.sim.history.Operation;
import java.util.List;

/**
 * The outcome of one key's search.
 *
 * @param linearizable whether a linearization exists
 * @param order on success a linearization of the operations that took effect (indeterminate
 *     operations that never did are absent); on failure the longest prefix of a linearization
 *     the search reached before every choice ran into an operation that had already returned
 * @param configurationsVisited distinct (linearized set, state) pairs explored
 */
public record SearchResult(
    boolean linearizable, List<Operation> order, long configurationsVisited) {

  static SearchResult success(List<Operation> order, long configurationsVisited) {
    return new SearchResult(true, List.copyOf(order), configurationsVisited);
  }

  static SearchResult failure(List<Operation> longestPrefix, long configurationsVisited) {
    return new SearchResult(false, List.copyOf(longestPrefix), configurationsVisited);
  }
}
