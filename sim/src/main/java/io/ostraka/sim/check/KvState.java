package io.ostraka.sim.check;

/**
 * The state of one key in the sequential KV model: its value and version, or absent.
 *
 * @param value the value, null when the key does not exist
 * @param version 0 when the key does not exist, else >= 1
 */
public record KvState(String value, long version) {
  public static final KvState ABSENT = new KvState(null, 0);

  public KvState {
    if ((value == null) != (version == 0) || version < 0) {
      throw new IllegalArgumentException("inconsistent state " + value + " v" + version);
    }
  }

  public boolean exists() {
    return value != null;
  }

  /** The state after writing {@code newValue}: version 1 on create, +1 on update. */
  KvState write(String newValue) {
    return new KvState(newValue, version + 1);
  }

  @Override
  public String toString() {
    return value == null ? "absent" : "\"" + value + "\" v" + version;
  }
}
