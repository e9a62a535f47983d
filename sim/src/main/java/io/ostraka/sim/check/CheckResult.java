package io.ostraka.sim.check;

import java.util.List;

/**
 * The verdict on a history.
 *
 * @param operationCount operations in the history
 * @param searchedCount operations the linearizability search placed (no failed operations,
 *     indeterminate gets or stale reads)
 * @param keyCount distinct keys
 * @param keyFailures keys with no linearization, in key order
 * @param staleReadViolations stale reads that broke the session rule, in completion order
 */
public record CheckResult(
    int operationCount,
    int searchedCount,
    int keyCount,
    List<KeyFailure> keyFailures,
    List<StaleReadViolation> staleReadViolations) {

  public CheckResult {
    keyFailures = List.copyOf(keyFailures);
    staleReadViolations = List.copyOf(staleReadViolations);
  }

  /** Whether every non-stale operation is linearizable. */
  public boolean linearizable() {
    return keyFailures.isEmpty();
  }

  /** Linearizable, and every stale read obeys its weaker rule. */
  public boolean valid() {
    return linearizable() && staleReadViolations.isEmpty();
  }

  /** A readable verdict; on failure, the minimized sub-histories and violations. */
  public String report() {
    return Report.format(this);
  }
}
