package io.ostraka.sim.history;

/**
 * An invocation paired with its completion. Operations are numbered in invocation order.
 *
 * @param id position in invocation order, from 0
 * @param process the client process
 * @param f the operation
 * @param key the key
 * @param value put/cas: the value written; otherwise null
 * @param expectedVersion cas: the expected version; otherwise {@link Event#NO_VERSION}
 * @param consistency the requested consistency (linearizable when the history did not say)
 * @param outcome {@link OpType#OK}, {@link OpType#FAIL} or {@link OpType#INFO}; an invocation
 *     never completed by the end of the history is {@link OpType#INFO}
 * @param readValue get ok: the value read, null = absent; otherwise null
 * @param outputVersion ok: the version read, written or deleted if known, else {@link
 *     Event#NO_VERSION}
 * @param invokeIndex position of the invoke event in the history
 * @param completeIndex position of the completion event, or -1 if the history has none
 * @param invokeLine line of the invoke event
 * @param completeLine line of the completion event, or -1
 * @param invokeTimeNanos time of the invoke event
 * @param completeTimeNanos time of the completion event, or -1
 */
public record Operation(
    int id,
    int process,
    KvFunction f,
    String key,
    String value,
    long expectedVersion,
    Consistency consistency,
    OpType outcome,
    String readValue,
    long outputVersion,
    int invokeIndex,
    int completeIndex,
    int invokeLine,
    int completeLine,
    long invokeTimeNanos,
    long completeTimeNanos) {

  /** May or may not have taken effect: its completion is treated as happening at +infinity. */
  public boolean isIndeterminate() {
    return outcome == OpType.INFO;
  }

  public boolean isOk() {
    return outcome == OpType.OK;
  }

  public boolean hasOutputVersion() {
    return outputVersion != Event.NO_VERSION;
  }

  /** This operation with its outcome weakened to indeterminate and its outputs forgotten. */
  public Operation asIndeterminate() {
    return new Operation(
        id, process, f, key, value, expectedVersion, consistency, OpType.INFO, null,
        Event.NO_VERSION, invokeIndex, -1, invokeLine, -1, invokeTimeNanos, -1);
  }

  /** This operation without its reported version (it then admits more linearizations). */
  public Operation withoutOutputVersion() {
    if (!hasOutputVersion()) {
      return this;
    }
    return new Operation(
        id, process, f, key, value, expectedVersion, consistency, outcome, readValue,
        Event.NO_VERSION, invokeIndex, completeIndex, invokeLine, completeLine, invokeTimeNanos,
        completeTimeNanos);
  }

  /**
   * A cas as the put it amounts to when it takes effect, reporting no version (a cas that took
   * effect wrote like a put; one that may not have is as good as an indeterminate put).
   */
  public Operation casAsPut() {
    if (f != KvFunction.CAS) {
      return this;
    }
    return new Operation(
        id, process, KvFunction.PUT, key, value, Event.NO_VERSION, consistency, outcome,
        readValue, Event.NO_VERSION, invokeIndex, completeIndex, invokeLine, completeLine,
        invokeTimeNanos, completeTimeNanos);
  }

  /** E.g. {@code put("b") -> ok v2}, {@code get -> ok "a" v1}, {@code cas(1, "c") -> info}. */
  public String describe() {
    StringBuilder text = new StringBuilder(f.wireName());
    switch (f) {
      case PUT -> text.append('(').append(quote(value)).append(')');
      case CAS -> text.append('(').append(expectedVersion).append(", ").append(quote(value))
          .append(')');
      default -> { }
    }
    if (consistency != Consistency.LINEARIZABLE) {
      text.append('[').append(consistency.wireName()).append(']');
    }
    text.append(" -> ").append(outcome.wireName());
    if (outcome == OpType.OK) {
      if (f == KvFunction.GET) {
        text.append(' ').append(readValue == null ? "absent" : quote(readValue));
      }
      if (hasOutputVersion()) {
        text.append(" v").append(outputVersion);
      }
    }
    return text.toString();
  }

  private static String quote(String s) {
    return JsonText.quoteOrNull(s);
  }
}
