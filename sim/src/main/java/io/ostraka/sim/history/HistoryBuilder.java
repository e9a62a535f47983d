package io.ostraka.sim.history;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Accumulates events in real-time order and checks, as each arrives, that they form a history:
 * times never decrease, each process has at most one operation outstanding, every completion
 * answers its process's outstanding invocation (same {@code f}, {@code key}, inputs), and each
 * event carries exactly the fields its kind allows. Violations throw {@link
 * HistoryFormatException} naming the line and field. The simulator records through this class;
 * {@link HistoryReader} feeds it parsed lines.
 *
 * <p>Invocations still outstanding when {@link #build()} is called become indeterminate ({@code
 * info}) operations, as in Jepsen.
 */
public final class HistoryBuilder {
  private final List<Event> events = new ArrayList<>();
  private int[] lineNumbers = new int[64];
  // Invariant: maps a process to the index (in events) of its outstanding invoke.
  private final Map<Integer, Integer> outstandingByProcess = new TreeMap<>();
  private final List<Integer> invokeIndexOfOperation = new ArrayList<>();
  private final Map<Integer, Integer> operationOfInvokeIndex = new TreeMap<>();
  private final Map<Integer, Event> completionOfOperation = new TreeMap<>();
  private final Map<Integer, Integer> completeIndexOfOperation = new TreeMap<>();
  private long lastTimeNanos = Long.MIN_VALUE;

  HistoryBuilder() {}

  /** Appends an event recorded in memory; errors name its position + 1 as the line. */
  public HistoryBuilder append(Event event) {
    return append(event, events.size() + 1);
  }

  /** Appends an event read from {@code lineNumber} of a file. */
  public HistoryBuilder append(Event event, int lineNumber) {
    Objects.requireNonNull(event, "event");
    if (event.timeNanos() < lastTimeNanos) {
      throw new HistoryFormatException(lineNumber, "time",
          "time went backwards: " + event.timeNanos() + " < " + lastTimeNanos
              + " of the previous event");
    }
    if (event.type() == OpType.INVOKE) {
      checkInvoke(event, lineNumber);
      operationOfInvokeIndex.put(events.size(), invokeIndexOfOperation.size());
      invokeIndexOfOperation.add(events.size());
      outstandingByProcess.put(event.process(), events.size());
    } else {
      Integer invokeIndex = outstandingByProcess.remove(event.process());
      if (invokeIndex == null) {
        throw new HistoryFormatException(lineNumber, "type",
            event.type().wireName() + " for process " + event.process()
                + ", which has no outstanding invoke");
      }
      checkCompletion(events.get(invokeIndex), event, lineNumber);
      int operation = operationOfInvokeIndex.get(invokeIndex);
      completionOfOperation.put(operation, event);
      completeIndexOfOperation.put(operation, events.size());
    }
    record(event, lineNumber);
    return this;
  }

  private void record(Event event, int lineNumber) {
    if (events.size() == lineNumbers.length) {
      lineNumbers = Arrays.copyOf(lineNumbers, lineNumbers.length * 2);
    }
    lineNumbers[events.size()] = lineNumber;
    events.add(event);
    lastTimeNanos = event.timeNanos();
  }

  private void checkInvoke(Event invoke, int line) {
    Integer outstanding = outstandingByProcess.get(invoke.process());
    if (outstanding != null) {
      throw new HistoryFormatException(line, "process",
          "process " + invoke.process() + " invokes again while its invoke on line "
              + lineNumbers[outstanding] + " is still outstanding");
    }
    KvFunction f = invoke.f();
    boolean writesValue = f == KvFunction.PUT || f == KvFunction.CAS;
    if (writesValue && invoke.value() == null) {
      throw new HistoryFormatException(line, "value", f.wireName() + " needs a string value");
    }
    if (!writesValue && invoke.value() != null) {
      throw new HistoryFormatException(line, "value",
          "an invoke of " + f.wireName() + " carries no value");
    }
    if (f == KvFunction.CAS && !invoke.hasExpectedVersion()) {
      throw new HistoryFormatException(line, "expected_version", "cas needs an expected_version");
    }
    if (f != KvFunction.CAS && invoke.hasExpectedVersion()) {
      throw new HistoryFormatException(line, "expected_version", "only cas has expected_version");
    }
    if (invoke.hasVersion()) {
      throw new HistoryFormatException(line, "version",
          "an invoke carries no version; the ok completion does");
    }
    if (invoke.consistency() == Consistency.STALE && f != KvFunction.GET) {
      throw new HistoryFormatException(line, "consistency", "only a get can be stale");
    }
  }

  private static void checkCompletion(Event invoke, Event done, int line) {
    String type = done.type().wireName();
    if (done.f() != invoke.f()) {
      throw new HistoryFormatException(line, "f", type + " of " + done.f().wireName()
          + " answers an invoke of " + invoke.f().wireName());
    }
    if (!done.key().equals(invoke.key())) {
      throw new HistoryFormatException(line, "key", type + " for key \"" + done.key()
          + "\" answers an invoke on key \"" + invoke.key() + "\"");
    }
    Consistency invoked = invoke.consistency() == null ? Consistency.LINEARIZABLE : invoke.consistency();
    if (done.consistency() != null && done.consistency() != invoked) {
      throw new HistoryFormatException(line, "consistency", "differs from the invoke's");
    }
    if (done.hasExpectedVersion() && done.expectedVersion() != invoke.expectedVersion()) {
      throw new HistoryFormatException(line, "expected_version", "differs from the invoke's");
    }
    boolean readsValue = done.f() == KvFunction.GET && done.type() == OpType.OK;
    if (!readsValue && done.value() != null && !done.value().equals(invoke.value())) {
      throw new HistoryFormatException(line, "value", "differs from the invoke's");
    }
    if (done.hasVersion() && done.type() != OpType.OK) {
      throw new HistoryFormatException(line, "version", "only an ok completion has a version");
    }
  }

  /** The history so far; outstanding invocations become indeterminate operations. */
  public History build() {
    List<Operation> ops = new ArrayList<>(invokeIndexOfOperation.size());
    for (int id = 0; id < invokeIndexOfOperation.size(); id++) {
      ops.add(operation(id));
    }
    return new History(events, Arrays.copyOf(lineNumbers, events.size()), ops);
  }

  private Operation operation(int id) {
    int invokeIndex = invokeIndexOfOperation.get(id);
    Event invoke = events.get(invokeIndex);
    Event done = completionOfOperation.get(id);
    Consistency consistency =
        invoke.consistency() == null ? Consistency.LINEARIZABLE : invoke.consistency();
    if (done == null) {
      return new Operation(id, invoke.process(), invoke.f(), invoke.key(), invoke.value(),
          invoke.expectedVersion(), consistency, OpType.INFO, null, Event.NO_VERSION,
          invokeIndex, -1, lineNumbers[invokeIndex], -1, invoke.timeNanos(), -1);
    }
    int completeIndex = completeIndexOfOperation.get(id);
    boolean ok = done.type() == OpType.OK;
    String readValue = ok && invoke.f() == KvFunction.GET ? done.value() : null;
    return new Operation(id, invoke.process(), invoke.f(), invoke.key(), invoke.value(),
        invoke.expectedVersion(), consistency, done.type(), readValue,
        ok ? done.version() : Event.NO_VERSION, invokeIndex, completeIndex,
        lineNumbers[invokeIndex], lineNumbers[completeIndex], invoke.timeNanos(),
        done.timeNanos());
  }
}
