package io.ostraka.sim.check;

import io.ostraka.sim.history.Consistency;
import io.ostraka.sim.history.Event;
import io.ostraka.sim.history.History;
import io.ostraka.sim.history.HistoryBuilder;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes hand-made histories as readable scripts: each call appends one event, in real-time
 * order, ten nanoseconds after the previous one. Completions name the process whose outstanding
 * invocation they answer.
 *
 * <pre>{@code
 * History h = new Script().put(1, "x", "a").okVersion(1, 1).get(2, "x").okRead(2, "a", 1).build();
 * }</pre>
 */
final class Script {
  private final HistoryBuilder builder = History.builder();
  private final Map<Integer, Event> outstanding = new TreeMap<>();
  private long timeNanos;

  Script get(int process, String key) {
    return invoke(Event.get(process, key, tick()));
  }

  Script staleGet(int process, String key) {
    return invoke(Event.get(process, key, Consistency.STALE, tick()));
  }

  Script put(int process, String key, String value) {
    return invoke(Event.put(process, key, value, tick()));
  }

  Script delete(int process, String key) {
    return invoke(Event.delete(process, key, tick()));
  }

  Script cas(int process, String key, long expectedVersion, String value) {
    return invoke(Event.cas(process, key, expectedVersion, value, tick()));
  }

  Script ok(int process) {
    return append(outstanding.remove(process).ok(tick()));
  }

  Script okVersion(int process, long version) {
    return append(outstanding.remove(process).okVersion(version, tick()));
  }

  Script okRead(int process, String value, long version) {
    return append(outstanding.remove(process).okRead(value, version, tick()));
  }

  Script okAbsent(int process) {
    return okRead(process, null, 0);
  }

  Script fail(int process) {
    return append(outstanding.remove(process).fail(tick()));
  }

  Script info(int process) {
    return append(outstanding.remove(process).info(tick()));
  }

  History build() {
    return builder.build();
  }

  CheckResult check() {
    return LinearizabilityChecker.check(build());
  }

  private Script invoke(Event call) {
    outstanding.put(call.process(), call);
    return append(call);
  }

  private Script append(Event event) {
    builder.append(event);
    return this;
  }

  private long tick() {
    timeNanos += 10;
    return timeNanos;
  }
}
