package io.ostraka.sim.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/**
 * Proves the Porcupine and EDN exports follow the documented mappings (docs/verification.md):
 * event positions as Porcupine times, indeterminate operations returning at MaxInt64, failed
 * operations and stale reads left out of Porcupine, and every event in EDN as an independent
 * {@code [key value]} tuple.
 */
class ExportersTest {
  private final Event put = Event.put(0, "k", "a", 10);
  private final Event read = Event.get(1, "k", 11);
  private final Event stale = Event.get(2, "k", Consistency.STALE, 12);
  private final Event cas = Event.cas(3, "k", 1, "b", 13);
  private final Event delete = Event.delete(4, "k", 14);
  private final History history = History.builder()
      .append(put).append(read).append(stale).append(cas).append(delete)
      .append(put.okVersion(1, 20))
      .append(read.okRead(null, 0, 21))
      .append(stale.okRead("a", 1, 22))
      .append(cas.info(23))
      .append(delete.fail(24))
      .build();

  @Test
  void porcupineExportHasOneOperationPerCheckedOperation() throws IOException {
    StringWriter out = new StringWriter();
    PorcupineExporter.write(history, out);

    assertThat(out.toString()).isEqualTo("[\n"
        + "{\"ClientId\":0,\"Input\":{\"Op\":\"put\",\"Key\":\"k\",\"Value\":\"a\"},\"Call\":0,"
        + "\"Output\":{\"Unknown\":false,\"Version\":1},\"Return\":5},\n"
        + "{\"ClientId\":1,\"Input\":{\"Op\":\"get\",\"Key\":\"k\"},\"Call\":1,"
        + "\"Output\":{\"Unknown\":false,\"Value\":null,\"Version\":0},\"Return\":6},\n"
        + "{\"ClientId\":3,\"Input\":{\"Op\":\"cas\",\"Key\":\"k\",\"Value\":\"b\","
        + "\"ExpectedVersion\":1},\"Call\":3,\"Output\":{\"Unknown\":true},"
        + "\"Return\":9223372036854775807}\n"
        + "]\n");
  }

  @Test
  void ednExportHasOneMapPerEvent() throws IOException {
    StringWriter out = new StringWriter();
    EdnExporter.write(history, out);

    assertThat(out.toString().lines()).containsExactly(
        "{:process 0, :type :invoke, :f :write, :value [\"k\" {:value \"a\"}], :time 10, :index 0}",
        "{:process 1, :type :invoke, :f :read, :value [\"k\" nil], :time 11, :index 1}",
        "{:process 2, :type :invoke, :f :read, :value [\"k\" nil], :consistency :stale,"
            + " :time 12, :index 2}",
        "{:process 3, :type :invoke, :f :cas, :value [\"k\" {:value \"b\", :expected-version 1}],"
            + " :time 13, :index 3}",
        "{:process 4, :type :invoke, :f :delete, :value [\"k\" nil], :time 14, :index 4}",
        "{:process 0, :type :ok, :f :write, :value [\"k\" {:value \"a\", :version 1}], :time 20,"
            + " :index 5}",
        "{:process 1, :type :ok, :f :read, :value [\"k\" {:value nil, :version 0}], :time 21,"
            + " :index 6}",
        "{:process 2, :type :ok, :f :read, :value [\"k\" {:value \"a\", :version 1}],"
            + " :consistency :stale, :time 22, :index 7}",
        "{:process 3, :type :info, :f :cas, :value [\"k\" {:value \"b\", :expected-version 1}],"
            + " :time 23, :index 8}",
        "{:process 4, :type :fail, :f :delete, :value [\"k\" nil], :time 24, :index 9}");
  }
}
