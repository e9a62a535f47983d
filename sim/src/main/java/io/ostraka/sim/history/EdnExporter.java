package io.ostraka.sim.history;

import java.io.IOException;
import java.io.Writer;

/**
 * Exports a history in Jepsen's EDN form, one event map per line, for an independent check with
 * Knossos (or Elle/jepsen.checker). The mapping (see docs/verification.md):
 *
 * <pre>
 * {:process 0, :type :invoke, :f :write, :value ["k" {:value "v"}], :time 12, :index 0}
 * {:process 0, :type :ok, :f :write, :value ["k" {:value "v", :version 1}], :time 15, :index 1}
 * </pre>
 *
 * <ul>
 *   <li>{@code :f} is {@code :read} (get), {@code :write} (put), {@code :delete} or {@code :cas};
 *   <li>{@code :value} is a {@code jepsen.independent} tuple {@code [key v]} so the history can be
 *       split per key; {@code v} is a map of what is known — {@code :value} (nil = absent, on a
 *       read), {@code :version}, {@code :expected-version} — or nil when nothing is;
 *   <li>{@code :index} is the event's position, {@code :time} its time in nanoseconds; stale reads
 *       carry {@code :consistency :stale}.
 * </ul>
 */
public final class EdnExporter {
  private EdnExporter() {}

  public static void write(History history, Writer out) throws IOException {
    for (int index = 0; index < history.size(); index++) {
      out.write(toEdn(history.events().get(index), index));
      out.write('\n');
    }
  }

  static String toEdn(Event event, int index) {
    StringBuilder edn = new StringBuilder(128);
    edn.append("{:process ").append(event.process())
        .append(", :type :").append(event.type().wireName())
        .append(", :f :").append(event.f().ednName())
        .append(", :value [").append(JsonText.quote(event.key())).append(' ')
        .append(inner(event)).append(']');
    if (event.consistency() != null && event.consistency() != Consistency.LINEARIZABLE) {
      edn.append(", :consistency :").append(event.consistency().wireName());
    }
    return edn.append(", :time ").append(event.timeNanos())
        .append(", :index ").append(index).append('}').toString();
  }

  private static String inner(Event event) {
    StringBuilder map = new StringBuilder();
    boolean readResult = event.f().isRead() && event.type() == OpType.OK;
    if (readResult || event.value() != null) {
      map.append(":value ").append(event.value() == null ? "nil" : JsonText.quote(event.value()));
    }
    if (event.hasVersion()) {
      separate(map).append(":version ").append(event.version());
    }
    if (event.hasExpectedVersion()) {
      separate(map).append(":expected-version ").append(event.expectedVersion());
    }
    return map.length() == 0 ? "nil" : "{" + map + "}";
  }

  private static StringBuilder separate(StringBuilder map) {
    return map.length() == 0 ? map : map.append(", ");
  }
}
