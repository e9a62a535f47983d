package io.ostraka.sim.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Proves the JSON Lines reader accepts the documented format, pairs events into operations, and
 * rejects hostile input with an error naming the line and the field.
 */
class HistoryReaderTest {
  private static final String PUT =
      "{\"process\":1,\"type\":\"invoke\",\"f\":\"put\",\"key\":\"k\",\"value\":\"a\",\"time\":1}";
  private static final String PUT_OK =
      "{\"process\":1,\"type\":\"ok\",\"f\":\"put\",\"key\":\"k\",\"value\":\"a\",\"version\":1,"
          + "\"time\":2}";

  @Test
  void readsEventsAndPairsThemIntoOperations() {
    History history = HistoryReader.read(String.join("\n",
        PUT,
        "{\"process\":2,\"type\":\"invoke\",\"f\":\"get\",\"key\":\"k\",\"consistency\":\"stale\","
            + "\"time\":1}",
        PUT_OK,
        "",
        "{\"process\":2,\"type\":\"ok\",\"f\":\"get\",\"key\":\"k\",\"value\":null,\"time\":3}",
        "{\"process\":1,\"type\":\"invoke\",\"f\":\"cas\",\"key\":\"k\",\"value\":\"b\","
            + "\"expected_version\":1,\"time\":4}"));

    assertThat(history.size()).isEqualTo(5);
    assertThat(history.lineNumber(3)).isEqualTo(5);
    List<Operation> ops = history.operations();
    assertThat(ops).extracting(Operation::describe).containsExactly(
        "put(\"a\") -> ok v1", "get[stale] -> ok absent", "cas(1, \"b\") -> info");
    assertThat(ops.get(1).completeLine()).isEqualTo(5);
    assertThat(ops.get(2).completeIndex()).isEqualTo(-1);
  }

  @Test
  void writerOutputReadsBackToTheSameEvents() {
    History history = History.builder()
        .append(Event.put(1, "k \"quoted\"\n", "v\\1", 5))
        .append(Event.get(2, "k", Consistency.LEASE, 6))
        .append(Event.put(1, "k \"quoted\"\n", "v\\1", 5).okVersion(3, 7))
        .append(Event.get(2, "k", Consistency.LEASE, 6).okRead("\u00e9\u0001", 2, 8))
        .append(Event.cas(1, "k", 0, "z", 9))
        .append(Event.cas(1, "k", 0, "z", 9).fail(10))
        .build();

    String text = HistoryWriter.toJsonLines(history);

    assertThat(HistoryReader.read(text).events()).isEqualTo(history.events());
    assertThat(text.lines().findFirst().orElseThrow()).isEqualTo(
        "{\"process\":1,\"type\":\"invoke\",\"f\":\"put\",\"key\":\"k \\\"quoted\\\"\\n\","
            + "\"value\":\"v\\\\1\",\"time\":5}");
  }

  @ParameterizedTest(name = "{2}")
  @CsvSource(delimiter = '|', value = {
      "{\"process\":1,\"type\":\"invoke\",\"f\":\"put\",\"key\":\"k\",\"value\":\"a\",\"time\":1|"
          + "line 2: malformed JSON at column 70: unexpected end of line, expected '}'|"
          + "malformed JSON",
      "[1,2]|line 2: expected a JSON object per line|not an object",
      "{\"process\":1,\"type\":\"invoke\",\"f\":\"incr\",\"key\":\"k\",\"time\":1}|"
          + "line 2, field \"f\": unknown value \"incr\" (known: get, put, delete, cas)|unknown f",
      "{\"process\":1,\"type\":\"done\",\"f\":\"get\",\"key\":\"k\",\"time\":1}|"
          + "line 2, field \"type\": unknown value \"done\"|unknown type",
      "{\"process\":1,\"type\":\"invoke\",\"f\":\"get\",\"time\":1}|"
          + "line 2, field \"key\": missing|missing key",
      "{\"process\":1,\"type\":\"invoke\",\"f\":\"get\",\"key\":\"k\"}|"
          + "line 2, field \"time\": missing|missing time",
      "{\"type\":\"invoke\",\"f\":\"get\",\"key\":\"k\",\"time\":1}|"
          + "line 2, field \"process\": missing|missing process",
      "{\"process\":\"one\",\"type\":\"invoke\",\"f\":\"get\",\"key\":\"k\",\"time\":1}|"
          + "line 2, field \"process\": must be an integer, not the string \"one\"|process string",
      "{\"process\":1.5,\"type\":\"invoke\",\"f\":\"get\",\"key\":\"k\",\"time\":1}|"
          + "line 2, field \"process\": must be an integer, not 1.5|process fraction",
      "{\"process\":-1,\"type\":\"invoke\",\"f\":\"get\",\"key\":\"k\",\"time\":1}|"
          + "line 2, field \"process\": must be an int >= 0|negative process",
      "{\"process\":1,\"type\":\"invoke\",\"f\":\"get\",\"key\":7,\"time\":1}|"
          + "line 2, field \"key\": must be a string, not 7|key number",
      "{\"process\":1,\"type\":\"invoke\",\"f\":\"get\",\"key\":\"k\",\"time\":1,\"node\":3}|"
          + "line 2, field \"node\": unknown field|unknown field",
      "{\"process\":1,\"type\":\"invoke\",\"f\":\"get\",\"key\":\"k\",\"key\":\"j\",\"time\":1}|"
          + "duplicate member \"key\"|duplicate field",
      "{\"process\":3,\"type\":\"invoke\",\"f\":\"put\",\"key\":\"k\",\"time\":1}|"
          + "line 2, field \"value\": put needs a string value|put without value",
      "{\"process\":3,\"type\":\"invoke\",\"f\":\"cas\",\"key\":\"k\",\"value\":\"a\",\"time\":1}|"
          + "line 2, field \"expected_version\": cas needs an expected_version|cas without expected",
      "{\"process\":1,\"type\":\"invoke\",\"f\":\"get\",\"key\":\"k\",\"version\":-2,\"time\":1}|"
          + "line 2, field \"version\": must be >= 0, not -2|negative version",
      "{\"process\":3,\"type\":\"invoke\",\"f\":\"put\",\"key\":\"k\",\"value\":\"a\","
          + "\"consistency\":\"stale\",\"time\":1}|"
          + "line 2, field \"consistency\": only a get can be stale|stale put",
      "{\"process\":1,\"type\":\"invoke\",\"f\":\"get\",\"key\":\"k\",\"consistency\":\"eventual\","
          + "\"time\":1}|line 2, field \"consistency\": unknown value \"eventual\"|unknown consistency",
      "{\"process\":2,\"type\":\"ok\",\"f\":\"get\",\"key\":\"k\",\"value\":null,\"time\":1}|"
          + "line 2, field \"type\": ok for process 2, which has no outstanding invoke|"
          + "ok without invoke",
      "{\"process\":1,\"type\":\"invoke\",\"f\":\"get\",\"key\":\"k\",\"time\":1}|"
          + "line 2, field \"process\": process 1 invokes again while its invoke on line 1 is"
          + " still outstanding|two invokes outstanding",
      "{\"process\":1,\"type\":\"ok\",\"f\":\"get\",\"key\":\"k\",\"value\":\"a\",\"time\":2}|"
          + "line 2, field \"f\": ok of get answers an invoke of put|completion of another f",
      "{\"process\":1,\"type\":\"ok\",\"f\":\"put\",\"key\":\"j\",\"time\":2}|"
          + "line 2, field \"key\": ok for key \"j\" answers an invoke on key \"k\"|"
          + "completion of another key",
      "{\"process\":1,\"type\":\"ok\",\"f\":\"put\",\"key\":\"k\",\"value\":\"b\",\"time\":2}|"
          + "line 2, field \"value\": differs from the invoke's|completion of another value",
      "{\"process\":1,\"type\":\"fail\",\"f\":\"put\",\"key\":\"k\",\"version\":1,\"time\":2}|"
          + "line 2, field \"version\": only an ok completion has a version|version on fail",
      "{\"process\":1,\"type\":\"ok\",\"f\":\"put\",\"key\":\"k\",\"time\":0}|"
          + "line 2, field \"time\": time went backwards: 0 < 1|time backwards",
  })
  void rejectsHostileLineNamingLineAndField(String secondLine, String message, String name) {
    assertThatThrownBy(() -> HistoryReader.read(PUT + "\n" + secondLine))
        .isInstanceOf(HistoryFormatException.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(((HistoryFormatException) e).lineNumber()).isEqualTo(2));
  }

  @Test
  void okGetMustStateTheValueRead() {
    assertThatThrownBy(() -> HistoryReader.read(String.join("\n",
        "{\"process\":1,\"type\":\"invoke\",\"f\":\"get\",\"key\":\"k\",\"time\":1}",
        "{\"process\":1,\"type\":\"ok\",\"f\":\"get\",\"key\":\"k\",\"version\":1,\"time\":2}")))
        .hasMessage("line 2, field \"value\": missing: an ok get states the value read"
            + " (null if absent)");
  }

  @Test
  void builderNamesThePositionOfAnEventBuiltInMemory() {
    HistoryBuilder builder = History.builder().append(Event.get(1, "k", 1));

    assertThatThrownBy(() -> builder.append(Event.get(1, "k", 2)))
        .hasMessageStartingWith("line 2, field \"process\": process 1 invokes again");
  }
}
