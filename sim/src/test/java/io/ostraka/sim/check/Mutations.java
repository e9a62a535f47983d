package io.ostraka.sim.check;

import io.ostraka.sim.history.Event;
import io.ostraka.sim.history.History;
import io.ostraka.sim.history.HistoryBuilder;
import io.ostraka.sim.history.KvFunction;
import io.ostraka.sim.history.OpType;
import io.ostraka.sim.history.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Changes one response of a history, keeping it well-formed. */
final class Mutations {
  private Mutations() {}

  /** {@code history} with the completion event of {@code op} replaced. */
  static History replaceCompletion(History history, Operation op, Event completion) {
    List<Event> events = new ArrayList<>(history.events());
    events.set(op.completeIndex(), completion);
    HistoryBuilder builder = History.builder();
    events.forEach(builder::append);
    return builder.build();
  }

  static Event withRead(Event completion, String value, long version) {
    return new Event(completion.process(), completion.type(), completion.f(), completion.key(),
        value, version, completion.expectedVersion(), completion.consistency(),
        completion.timeNanos());
  }

  static Event withVersion(Event completion, long version) {
    return new Event(completion.process(), completion.type(), completion.f(), completion.key(),
        completion.value(), version, completion.expectedVersion(), completion.consistency(),
        completion.timeNanos());
  }

  static Event withType(Event completion, OpType type) {
    boolean keepsValue = completion.f() != KvFunction.GET || type == OpType.OK;
    return new Event(completion.process(), type, completion.f(), completion.key(),
        keepsValue ? completion.value() : null, type == OpType.OK ? completion.version()
        : Event.NO_VERSION, completion.expectedVersion(), completion.consistency(),
        completion.timeNanos());
  }

  /** One random change to one completed operation's response; may or may not break the history. */
  static History randomMutation(History history, SplittableRandom random) {
    List<Operation> completed = new ArrayList<>();
    for (Operation op : history.operations()) {
      if (op.completeIndex() >= 0) {
        completed.add(op);
      }
    }
    if (completed.isEmpty()) {
      return history;
    }
    Operation op = completed.get(random.nextInt(completed.size()));
    Event completion = history.events().get(op.completeIndex());
    Event mutated = switch (random.nextInt(4)) {
      case 0 -> withType(completion, OpType.values()[1 + random.nextInt(3)]);
      case 1 -> completion.type() == OpType.OK
          ? withVersion(completion, Math.max(0, completion.version() + random.nextInt(-1, 2)))
          : completion;
      case 2 -> completion.type() == OpType.OK && op.f() == KvFunction.GET
          ? withRead(completion, someValue(history, random), completion.version())
          : completion;
      default -> completion.type() == OpType.OK && op.f() == KvFunction.GET
          ? withRead(completion, null, 0)
          : completion;
    };
    return replaceCompletion(history, op, mutated);
  }

  private static String someValue(History history, SplittableRandom random) {
    List<String> values = new ArrayList<>();
    for (Operation op : history.operations()) {
      if (op.value() != null) {
        values.add(op.value());
      }
    }
    return values.isEmpty() ? "ghost" : values.get(random.nextInt(values.size()));
  }
}
