package io.ostraka.sim.check;

/**
 * The state of one key in the sequential KV model: its value and version, or absent.
 *
 * @param value the value, null when the key does not exist
 * @param version 0 when the key does not exist, else >= 1
 */
public record KvState(String value, long version) {
  public static final KvState ABSENT = new KvState(null, 0);

  /**
   * Stands for any value no read in the history returned: the search stores it instead, so that
   * states differing only in such values (which nothing can tell apart) compare equal. Compared
   * by identity, never by content.
   */
  @SuppressWarnings("StringOperationCanBeSimplified")
  static final String UNREAD_VALUE = new String("(a value no read returned)");

  public KvState {
    if ((value == null) != (version == 0) || version < 0) {
      throw new IllegalArgumentException("inconsistent state " + value + " v" + version);
    }
  }

  public boolean exists() {
    return value != null;
  }

  /** This state with its value replaced by {@link #UNREAD_VALUE}. */
  KvState withUnreadValue() {
    return value == null || value == UNREAD_VALUE ? this : new KvState(UNREAD_VALUE, version);
  }

  /** The state after writing {@code newValue}: version 1 on create, +1 on update. */
  KvState write(String newValue) {
    return new KvState(newValue, version + 1);
  }

  /**
   * Values compare by content, except {@link #UNREAD_VALUE}, which equals only itself: a client
   * may well write a string with the same text (found by review: such a history was reported
   * not linearizable).
   */
  @Override
  public boolean equals(Object other) {
    if (!(other instanceof KvState that) || version != that.version) {
      return false;
    }
    if (value == UNREAD_VALUE || that.value == UNREAD_VALUE) {
      return value == that.value;
    }
    return java.util.Objects.equals(value, that.value);
  }

  @Override
  public int hashCode() {
    int valueHash = value == UNREAD_VALUE ? 0x5eed : java.util.Objects.hashCode(value) * 31 + 1;
    return valueHash * 31 + Long.hashCode(version);
  }

  @Override
  public String toString() {
    return value == null ? "absent" : "\"" + value + "\" v" + version;
  }
}
