package io.ostraka.sim.history;

import java.io.IOException;
import java.io.Writer;

/**
 * Exports a history as a JSON array of Porcupine operations ({@code ClientId}, {@code Input},
 * {@code Call}, {@code Output}, {@code Return}) for an independent check with
 * github.com/anishathalye/porcupine. The mapping (see docs/verification.md):
 *
 * <ul>
 *   <li>{@code Call} and {@code Return} are the positions of the invoke and completion events in
 *       our history, not their times, so Porcupine sees exactly our real-time order (equal
 *       timestamps would otherwise make sequential operations concurrent);
 *   <li>indeterminate operations get {@code Return = 9223372036854775807} and {@code Output =
 *       {"Unknown": true}}; the model must let them be linearized as having or not having taken
 *       effect (a Porcupine {@code NondeterministicModel});
 *   <li>failed operations, indeterminate gets and stale reads are left out: the first two
 *       constrain nothing, stale reads are not linearizable by contract.
 * </ul>
 */
public final class PorcupineExporter {
  /** Go's {@code math.MaxInt64}: the return time of operations that never returned. */
  public static final long NEVER_RETURNED = Long.MAX_VALUE;

  private PorcupineExporter() {}

  public static void write(History history, Writer out) throws IOException {
    out.write("[\n");
    boolean first = true;
    for (Operation op : history.operations()) {
      if (!isExported(op)) {
        continue;
      }
      if (!first) {
        out.write(",\n");
      }
      first = false;
      out.write(toJson(op));
    }
    out.write("\n]\n");
  }

  static boolean isExported(Operation op) {
    if (op.outcome() == OpType.FAIL || op.consistency() == Consistency.STALE) {
      return false;
    }
    return !(op.isIndeterminate() && op.f().isRead());
  }

  static String toJson(Operation op) {
    StringBuilder json = new StringBuilder(160);
    json.append("{\"ClientId\":").append(op.process())
        .append(",\"Input\":{\"Op\":\"").append(op.f().wireName())
        .append("\",\"Key\":").append(JsonText.quote(op.key()));
    if (op.value() != null) {
      json.append(",\"Value\":").append(JsonText.quote(op.value()));
    }
    if (op.f() == KvFunction.CAS) {
      json.append(",\"ExpectedVersion\":").append(op.expectedVersion());
    }
    json.append("},\"Call\":").append(op.invokeIndex()).append(",\"Output\":");
    if (op.isIndeterminate()) {
      json.append("{\"Unknown\":true}");
    } else {
      json.append("{\"Unknown\":false");
      if (op.f().isRead()) {
        json.append(",\"Value\":").append(JsonText.quoteOrNull(op.readValue()));
      }
      json.append(",\"Version\":").append(op.outputVersion()).append('}');
    }
    long returned = op.isIndeterminate() ? NEVER_RETURNED : op.completeIndex();
    return json.append(",\"Return\":").append(returned).append('}').toString();
  }
}
