package io.ostraka.sim.history;

import java.util.Optional;

/**
 * The type of a history event, as in Jepsen: an {@code invoke} opens an operation and exactly one
 * of {@code ok}, {@code fail} or {@code info} closes it.
 *
 * <ul>
 *   <li>{@link #OK}: the operation took effect, and its outputs are known;
 *   <li>{@link #FAIL}: the operation certainly did not take effect;
 *   <li>{@link #INFO}: indeterminate (a timeout, a lost connection) — it may have taken effect, at
 *       any moment after its invocation, or never.
 * </ul>
 */
public enum OpType {
  INVOKE("invoke"),
  OK("ok"),
  FAIL("fail"),
  INFO("info");

  private final String wireName;

  OpType(String wireName) {
    this.wireName = wireName;
  }

  /** The name used in JSON Lines histories and (as a keyword) in EDN. */
  public String wireName() {
    return wireName;
  }

  public boolean isCompletion() {
    return this != INVOKE;
  }

  public static Optional<OpType> fromWireName(String name) {
    for (OpType type : values()) {
      if (type.wireName.equals(name)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }
}
