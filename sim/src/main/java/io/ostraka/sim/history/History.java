package io.ostraka.sim.history;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An immutable, validated client history: events in the real-time order in which they happened
 * (that order, not {@code time}, is what the checker uses; times only never decrease), and the
 * operations they pair into. Build one with {@link HistoryBuilder}, or read one with {@link
 * HistoryReader}.
 */
public final class History {
  private final List<Event> events;
  private final int[] lineNumbers;
  private final List<Operation> operations;

  History(List<Event> events, int[] lineNumbers, List<Operation> operations) {
    this.events = List.copyOf(events);
    this.lineNumbers = lineNumbers.clone();
    this.operations = List.copyOf(operations);
  }

  public static HistoryBuilder builder() {
    return new HistoryBuilder();
  }

  public List<Event> events() {
    return events;
  }

  /** The source line of the event at {@code index} (its position + 1 for built histories). */
  public int lineNumber(int index) {
    return lineNumbers[index];
  }

  /** Every operation, in invocation order; {@code operations().get(i).id() == i}. */
  public List<Operation> operations() {
    return operations;
  }

  /** Operations grouped by key, keys in sorted order, each list in invocation order. */
  public Map<String, List<Operation>> operationsByKey() {
    Map<String, List<Operation>> byKey = new TreeMap<>();
    for (Operation op : operations) {
      byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
    }
    byKey.replaceAll((k, ops) -> Collections.unmodifiableList(ops));
    return Collections.unmodifiableMap(byKey);
  }

  public int size() {
    return events.size();
  }
}
