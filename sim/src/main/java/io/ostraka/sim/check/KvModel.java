package io.ostraka.sim.check;

import io.ostraka.sim.history.KvFunction;
import io.ostraka.sim.history.Operation;

/**
 * The sequential specification of one key, as the linearizability search applies it: {@link
 * #step} returns the state after an operation takes effect at one instant, or null when the
 * operation's recorded outputs are impossible from {@code state}.
 *
 * <ul>
 *   <li>get: the value read (null = absent) must be the current one, and so must the version if
 *       recorded;
 *   <li>put: writes the value at version + 1 (1 on create); a recorded version must equal it;
 *   <li>delete: removes the key; a recorded version must equal the one deleted (0 if absent);
 *   <li>cas(expected, v): if the version equals {@code expected} (0 = absent) it writes like put;
 *       otherwise an ok cas is impossible, and an indeterminate one leaves the state unchanged
 *       (it may have run and found a mismatch).
 * </ul>
 *
 * <p>Indeterminate ({@code info}) operations have no outputs, so only their effect is applied.
 */
final class KvModel {
  private KvModel() {}

  static KvState step(KvState state, Operation op) {
    return switch (op.f()) {
      case GET -> read(state, op);
      case PUT -> versionMatches(state.write(op.value()).version(), op)
          ? state.write(op.value()) : null;
      case DELETE -> versionMatches(state.version(), op) ? KvState.ABSENT : null;
      case CAS -> compareAndSet(state, op);
    };
  }

  private static KvState read(KvState state, Operation op) {
    if (op.isIndeterminate()) {
      return state;
    }
    boolean sameValue = op.readValue() == null
        ? state.value() == null
        : state.value() != KvState.UNREAD_VALUE && op.readValue().equals(state.value());
    return sameValue && versionMatches(state.version(), op) ? state : null;
  }

  private static KvState compareAndSet(KvState state, Operation op) {
    if (state.version() != op.expectedVersion()) {
      return op.isIndeterminate() ? state : null;
    }
    KvState next = state.write(op.value());
    return versionMatches(next.version(), op) ? next : null;
  }

  private static boolean versionMatches(long version, Operation op) {
    return !op.hasOutputVersion() || op.outputVersion() == version;
  }
}
