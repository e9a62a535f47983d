package io.ostraka.sim.check;

import io.ostraka.sim.history.Consistency;
import io.ostraka.sim.history.Event;
import io.ostraka.sim.history.History;
import io.ostraka.sim.history.HistoryBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Generates histories of a real linearizable KV store: concurrent client processes invoke random
 * operations, each takes effect atomically on a sequential model at a random instant inside its
 * interval, and the response reports what the model returned. Some operations end {@code fail}
 * (no effect) or {@code info} (the effect happened or not, by a coin flip), and stale reads return
 * a state of the key no older than the one the process last saw. So every generated history is
 * linearizable and obeys the stale-read rule — a test oracle for the checker, and the benchmark's
 * workload. Single-threaded and fully determined by the seed.
 */
public final class SimulatedKvClients {
  private final SplittableRandom random;
  private final int processCount;
  private final int keyCount;
  private final double indeterminateProbability;
  private final double failProbability;
  private final double staleReadProbability;
  private final HistoryBuilder history = History.builder();
  private final Map<String, List<KvState>> statesByKey = new TreeMap<>();
  private final Map<String, Integer> lastSeenIndex = new TreeMap<>();
  private final PriorityQueue<Step> agenda = new PriorityQueue<>();
  private long sequence;
  private int valueCounter;

  /**
   * @param seed decides everything
   * @param processCount concurrent clients (the maximum concurrency)
   * @param keyCount keys "k0".."k{n-1}"
   * @param indeterminateProbability share of operations that end {@code info}
   * @param failProbability share of operations that end {@code fail} without effect
   * @param staleReadProbability share of gets made at consistency {@code stale}
   */
  public SimulatedKvClients(long seed, int processCount, int keyCount,
      double indeterminateProbability, double failProbability, double staleReadProbability) {
    this.random = new SplittableRandom(seed);
    this.processCount = processCount;
    this.keyCount = keyCount;
    this.indeterminateProbability = indeterminateProbability;
    this.failProbability = failProbability;
    this.staleReadProbability = staleReadProbability;
  }

  /** A linearizable history of {@code operationCount} operations. */
  public static History generate(long seed, int processCount, int keyCount, int operationCount) {
    return new SimulatedKvClients(seed, processCount, keyCount, 0.02, 0.02, 0.1)
        .run(operationCount);
  }

  public History run(int operationCount) {
    for (int p = 0; p < processCount; p++) {
      schedule(random.nextLong(0, 5), new Step(p, Phase.INVOKE, null));
    }
    int invoked = 0;
    while (!agenda.isEmpty()) {
      Step step = agenda.poll();
      switch (step.phase) {
        case INVOKE -> {
          if (invoked < operationCount) {
            invoked++;
            Event call = invocation(step.process, step.time);
            history.append(call);
            schedule(step.time + 1 + random.nextLong(0, 20), new Step(step.process,
                Phase.APPLY, new Call(call, null)));
          }
        }
        case APPLY -> schedule(step.time + 1 + random.nextLong(0, 20),
            new Step(step.process, Phase.COMPLETE, new Call(step.call.invoke, apply(step))));
        case COMPLETE -> {
          history.append(step.call.completion.withTime(step.time));
          schedule(step.time + random.nextLong(0, 10), new Step(step.process, Phase.INVOKE, null));
        }
      }
    }
    return history.build();
  }

  private Event invocation(int process, long time) {
    String key = "k" + random.nextInt(keyCount);
    int dice = random.nextInt(100);
    if (dice < 40) {
      boolean stale = random.nextDouble() < staleReadProbability;
      return Event.get(process, key, stale ? Consistency.STALE : null, time);
    }
    if (dice < 70) {
      return Event.put(process, key, "v" + valueCounter++, time);
    }
    if (dice < 80) {
      return Event.delete(process, key, time);
    }
    long current = current(key).version();
    long expected = random.nextInt(3) == 0 ? Math.max(0, current - 1 + random.nextInt(3)) : current;
    return Event.cas(process, key, expected, "v" + valueCounter++, time);
  }

  /** Takes effect now (or not) on the model; returns the completion to deliver later. */
  private Completion apply(Step step) {
    Event call = step.call.invoke;
    double outcome = random.nextDouble();
    if (outcome < failProbability) {
      return new Completion(call.fail(0));
    }
    boolean indeterminate = outcome < failProbability + indeterminateProbability;
    if (indeterminate && random.nextBoolean()) {
      return new Completion(call.info(0)); // lost before it took effect
    }
    List<KvState> states = states(call.key());
    KvState before = states.get(states.size() - 1);
    Event done = switch (call.f()) {
      case GET -> read(call, states);
      case PUT -> write(call, before.write(call.value()));
      case DELETE -> {
        write(call, KvState.ABSENT);
        yield call.okVersion(before.version(), 0); // a delete reports the version it removed
      }
      case CAS -> before.version() == call.expectedVersion()
          ? write(call, before.write(call.value())) : call.fail(0);
    };
    return new Completion(indeterminate ? call.info(0) : done);
  }

  private Event read(Event call, List<KvState> states) {
    String seenKey = call.process() + "/" + call.key();
    int index = states.size() - 1;
    if (call.consistency() == Consistency.STALE) {
      int seen = lastSeenIndex.getOrDefault(seenKey, 0);
      index = seen + random.nextInt(states.size() - seen);
    }
    lastSeenIndex.put(seenKey, index);
    KvState state = states.get(index);
    return call.okRead(state.value(), state.version(), 0);
  }

  private Event write(Event call, KvState after) {
    List<KvState> states = states(call.key());
    states.add(after);
    lastSeenIndex.put(call.process() + "/" + call.key(), states.size() - 1);
    return call.okVersion(after.version(), 0);
  }

  private KvState current(String key) {
    List<KvState> states = states(key);
    return states.get(states.size() - 1);
  }

  private List<KvState> states(String key) {
    return statesByKey.computeIfAbsent(key, k -> new ArrayList<>(List.of(KvState.ABSENT)));
  }

  private void schedule(long time, Step step) {
    step.time = time;
    step.sequence = sequence++;
    agenda.add(step);
  }

  private enum Phase { INVOKE, APPLY, COMPLETE }

  private record Call(Event invoke, Completion completion) {}

  private record Completion(Event event) {
    Event withTime(long time) {
      return new Event(event.process(), event.type(), event.f(), event.key(), event.value(),
          event.version(), event.expectedVersion(), event.consistency(), time);
    }
  }

  private static final class Step implements Comparable<Step> {
    final int process;
    final Phase phase;
    final Call call;
    long time;
    long sequence;

    Step(int process, Phase phase, Call call) {
      this.process = process;
      this.phase = phase;
      this.call = call;
    }

    @Override
    public int compareTo(Step other) {
      int byTime = Long.compare(time, other.time);
      return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
    }
  }
}
