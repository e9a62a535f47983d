package io.ostraka.sim.history;

import java.util.Optional;

/**
 * The operations of the KV model a history records (field {@code f}).
 *
 * <p>A key holds a value and a version: version 1 on create, +1 on every update; a delete removes
 * the key, and a later put recreates it at version 1. {@code cas} writes only when the key's
 * version equals {@code expected_version} (0 = the key must not exist).
 */
public enum KvFunction {
  GET("get", "read"),
  PUT("put", "write"),
  DELETE("delete", "delete"),
  CAS("cas", "cas");

  private final String wireName;
  private final String ednName;

  KvFunction(String wireName, String ednName) {
    this.wireName = wireName;
    this.ednName = ednName;
  }

  /** The name used in JSON Lines histories. */
  public String wireName() {
    return wireName;
  }

  /** The Jepsen/Knossos name ({@code :read}, {@code :write}, {@code :delete}, {@code :cas}). */
  public String ednName() {
    return ednName;
  }

  /** A read changes no state: it may be dropped from a history without weakening other checks. */
  public boolean isRead() {
    return this == GET;
  }

  public static Optional<KvFunction> fromWireName(String name) {
    for (KvFunction f : values()) {
      if (f.wireName.equals(name)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }
}
