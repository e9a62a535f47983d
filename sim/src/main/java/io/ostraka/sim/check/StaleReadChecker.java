package io.ostraka.sim.check;

import io.ostraka.sim.history.Consistency;
import io.ostraka.sim.history.Event;
import io.ostraka.sim.history.History;
import io.ostraka.sim.history.KvFunction;
import io.ostraka.sim.history.OpType;
import io.ostraka.sim.history.Operation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks reads made at consistency {@code stale}, which promise less than linearizability: a stale
 * read may lag, but (1) it returns a value some write on that key produced — a put or cas that did
 * not fail and was invoked before the read returned, with the same version when both are known —
 * or "absent", and (2) it never goes back in its own session: its version is not older than the
 * version the same process last observed for that key (through any ok operation that reported a
 * version). This is the "monotonic reads" and "read your writes" session guarantee of Terry et al.
 * ("Session guarantees for weakly consistent replicated data", PDIS 1994).
 *
 * <p>Versions restart at 1 when a key is deleted and recreated, so rule (2) is only applied while
 * no delete on the key (that did not fail) was invoked before the read returned: this check never
 * reports a false violation, at the price of missing some regressions across deletes. Stale
 * reads are excluded from the linearizability search.
 */
final class StaleReadChecker {
  private StaleReadChecker() {}

  static List<StaleReadViolation> check(History history) {
    Map<String, List<Operation>> byKey = history.operationsByKey();
    // Last version each process observed per key, with the operation that observed it,
    // updated in the order operations completed.
    Map<Integer, Map<String, Operation>> lastObserved = new TreeMap<>();
    List<Operation> byCompletion = new ArrayList<>();
    for (Operation op : history.operations()) {
      if (op.isOk()) {
        byCompletion.add(op);
      }
    }
    byCompletion.sort(Comparator.comparingInt(Operation::completeIndex));
    List<StaleReadViolation> violations = new ArrayList<>();
    for (Operation op : byCompletion) {
      Map<String, Operation> observed =
          lastObserved.computeIfAbsent(op.process(), p -> new TreeMap<>());
      if (op.f() == KvFunction.GET && op.consistency() == Consistency.STALE) {
        String problem = problem(op, byKey.get(op.key()), observed.get(op.key()));
        if (problem != null) {
          violations.add(new StaleReadViolation(op, problem));
        }
      }
      if (observedVersion(op) != Event.NO_VERSION) {
        observed.put(op.key(), op);
      }
    }
    return violations;
  }

  /** The version an ok operation saw or left, or NO_VERSION if it did not report one. */
  static long observedVersion(Operation op) {
    if (op.f() == KvFunction.GET) {
      return op.readValue() == null ? 0 : op.outputVersion();
    }
    if (op.f() == KvFunction.DELETE) {
      return 0;
    }
    if (op.f() == KvFunction.CAS && !op.hasOutputVersion()) {
      return op.expectedVersion() + 1; // an ok cas wrote the version after the expected one
    }
    return op.outputVersion();
  }

  private static String problem(Operation read, List<Operation> keyOps, Operation previous) {
    if (read.readValue() != null && !someWriteProduced(read, keyOps)) {
      return "read \"" + read.readValue() + "\""
          + (read.hasOutputVersion() ? " v" + read.outputVersion() : "")
          + ", but no put or cas on this key invoked before the read returned wrote that";
    }
    if (previous == null || deleteBetween(previous, read, keyOps)) {
      return null;
    }
    long version = observedVersion(read);
    long earlier = observedVersion(previous);
    if (version != Event.NO_VERSION && version < earlier) {
      return "went back in its session: process " + read.process() + " had observed v" + earlier
          + " (" + previous.describe() + ", line " + previous.completeLine() + ") but read "
          + (read.readValue() == null ? "absent" : "v" + version);
    }
    return null;
  }

  private static boolean someWriteProduced(Operation read, List<Operation> keyOps) {
    for (Operation write : keyOps) {
      if (write.invokeIndex() <= read.completeIndex() && couldHaveProduced(write, read)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code write} (a put or cas that did not fail) wrote the value {@code read} returned,
   * with the same version when both are known.
   */
  private static boolean couldHaveProduced(Operation write, Operation read) {
    boolean writesValue = write.f() == KvFunction.PUT || write.f() == KvFunction.CAS;
    return writesValue && write.outcome() != OpType.FAIL && write.value().equals(read.readValue())
        && (!read.hasOutputVersion() || !write.hasOutputVersion()
            || write.outputVersion() == read.outputVersion());
  }

  /**
   * Whether a delete that did not fail could have taken effect after the state {@code previous}
   * observed and before {@code read} returned. A delete resets versions, so only such a delete
   * excuses a lower version. The observed state came into being no earlier than the invocation of
   * an operation that could have produced it (the earlier operation itself, for a write; for a
   * read, which may be stale, any write of the value and version it returned), so a delete that
   * completed before all of those cannot have come after it. Before, any delete ever invoked
   * turned the check off for the rest of the history (found by review).
   */
  private static boolean deleteBetween(Operation previous, Operation read, List<Operation> keyOps) {
    long stateBorn = earliestProducer(previous, keyOps);
    for (Operation op : keyOps) {
      boolean completedBefore = op.outcome() == OpType.OK && op.completeIndex() >= 0
          && op.completeIndex() < stateBorn;
      if (op.f() == KvFunction.DELETE && op.outcome() != OpType.FAIL
          && op.invokeIndex() < read.completeIndex() && !completedBefore) {
        return true;
      }
    }
    return false;
  }

  /**
   * The earliest history index at which the state {@code observed} saw could have begun: its own
   * invocation for a write, else the earliest invocation of a write that wrote what it read (0
   * when none is known, which narrows nothing).
   */
  private static long earliestProducer(Operation observed, List<Operation> keyOps) {
    if (observed.f() != KvFunction.GET) {
      return observed.invokeIndex();
    }
    if (observed.readValue() == null) {
      return 0;
    }
    long earliest = Long.MAX_VALUE;
    for (Operation write : keyOps) {
      if (couldHaveProduced(write, observed)) {
        earliest = Math.min(earliest, write.invokeIndex());
      }
    }
    return earliest == Long.MAX_VALUE ? 0 : earliest;
  }
}
