package io.ostraka.sim.history;

import java.util.Optional;

/**
 * The read consistency a client asked for (optional field {@code consistency}). Every level but
 * {@link #STALE} promises linearizability and is checked as such; stale reads are checked with the
 * weaker session rule of {@code io.ostraka.sim.check.StaleReadChecker}.
 */
public enum Consistency {
  LINEARIZABLE("linearizable"),
  LEASE("lease"),
  FOLLOWER("follower"),
  STALE("stale");

  private final String wireName;

  Consistency(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static Optional<Consistency> fromWireName(String name) {
    for (Consistency c : values()) {
      if (c.wireName.equals(name)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }
}
