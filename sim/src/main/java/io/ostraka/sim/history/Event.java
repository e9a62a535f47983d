package io.ostraka.sim.history;

import java.util.Objects;

/**
 * One line of a history: a client process invoking an operation on a key, or learning how it
 * ended. Build invocations with the static factories and their completions from the invocation:
 *
 * <pre>{@code
 * Event call = Event.put(3, "k", "v1", t0);
 * history.append(call);
 * ...
 * history.append(call.okVersion(1, t1));   // or call.fail(t1), call.info(t1)
 *
 * Event read = Event.get(4, "k", t2);
 * history.append(read);
 * history.append(read.okRead("v1", 1, t3)); // okRead(null, 0, t3) for "absent"
 * }</pre>
 *
 * @param process the client process (a process runs one operation at a time)
 * @param type invoke, ok, fail or info
 * @param f the operation
 * @param key the key it addresses
 * @param value put/cas: the value written; get ok: the value read, null when the key was absent;
 *     otherwise null
 * @param version on an ok: the version read (get), written (put, cas) or deleted (delete; 0 when
 *     the key was absent); {@link #NO_VERSION} when not known
 * @param expectedVersion cas only: the version the key must have, 0 = must not exist; otherwise
 *     {@link #NO_VERSION}
 * @param consistency the requested read consistency, or null when not stated (= linearizable)
 * @param timeNanos when the event happened; never decreases along a history
 */
public record Event(
    int process,
    OpType type,
    KvFunction f,
    String key,
    String value,
    long version,
    long expectedVersion,
    Consistency consistency,
    long timeNanos) {

  /** Marks {@link #version} or {@link #expectedVersion} as absent. */
  public static final long NO_VERSION = -1;

  public Event {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(f, "f");
    Objects.requireNonNull(key, "key");
    if (version < NO_VERSION || expectedVersion < NO_VERSION) {
      throw new IllegalArgumentException("versions are >= 0, or NO_VERSION");
    }
  }

  public static Event get(int process, String key, long timeNanos) {
    return get(process, key, null, timeNanos);
  }

  public static Event get(int process, String key, Consistency consistency, long timeNanos) {
    return new Event(
        process, OpType.INVOKE, KvFunction.GET, key, null, NO_VERSION, NO_VERSION, consistency,
        timeNanos);
  }

  public static Event put(int process, String key, String value, long timeNanos) {
    return new Event(
        process, OpType.INVOKE, KvFunction.PUT, key, value, NO_VERSION, NO_VERSION, null,
        timeNanos);
  }

  public static Event delete(int process, String key, long timeNanos) {
    return new Event(
        process, OpType.INVOKE, KvFunction.DELETE, key, null, NO_VERSION, NO_VERSION, null,
        timeNanos);
  }

  public static Event cas(
      int process, String key, long expectedVersion, String value, long timeNanos) {
    return new Event(
        process, OpType.INVOKE, KvFunction.CAS, key, value, NO_VERSION, expectedVersion, null,
        timeNanos);
  }

  /** An ok completion of this invocation with no known output (e.g. a put whose version is unknown). */
  public Event ok(long timeNanos) {
    return complete(OpType.OK, value, NO_VERSION, timeNanos);
  }

  /** An ok completion of a put, cas or delete that reports the version written or deleted. */
  public Event okVersion(long version, long timeNanos) {
    return complete(OpType.OK, value, version, timeNanos);
  }

  /** An ok completion of a get: the value read (null = absent) and its version (0 when absent). */
  public Event okRead(String valueRead, long versionRead, long timeNanos) {
    return complete(OpType.OK, valueRead, versionRead, timeNanos);
  }

  public Event fail(long timeNanos) {
    return complete(OpType.FAIL, f == KvFunction.GET ? null : value, NO_VERSION, timeNanos);
  }

  public Event info(long timeNanos) {
    return complete(OpType.INFO, f == KvFunction.GET ? null : value, NO_VERSION, timeNanos);
  }

  private Event complete(OpType completion, String newValue, long newVersion, long timeNanos) {
    if (type != OpType.INVOKE) {
      throw new IllegalStateException("only an invocation can be completed, not " + this);
    }
    return new Event(
        process, completion, f, key, newValue, newVersion, expectedVersion, consistency, timeNanos);
  }

  public boolean hasVersion() {
    return version != NO_VERSION;
  }

  public boolean hasExpectedVersion() {
    return expectedVersion != NO_VERSION;
  }
}
