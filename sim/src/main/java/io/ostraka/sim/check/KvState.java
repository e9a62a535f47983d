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

  @Override
  public String toString() {
    return value == null ? "absent" : "\"" + value + "\" v" + version;
  }
}
