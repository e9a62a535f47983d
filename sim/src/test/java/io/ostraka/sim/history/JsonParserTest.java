package io.ostraka.sim.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Proves the line parser accepts strict JSON and nothing else. */
class JsonParserTest {

  @Test
  void parsesEveryKindOfValue() {
    Object value = JsonParser.parse(
        " {\"a\": [1, -2, 3.5, 1e3, true, false, null, \"x\\u00e9\\n\\/\"], \"b\": {}} ");

    assertThat(value).isEqualTo(Map.of(
        "a", java.util.Arrays.asList(1L, -2L, new BigDecimal("3.5"), new BigDecimal("1e3"),
            true, false, null, "x\u00e9\n/"),
        "b", Map.of()));
    assertThat(JsonParser.parse("[]")).isEqualTo(List.of());
    assertThat(JsonParser.parse("99999999999999999999")).isInstanceOf(BigDecimal.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "[1,]", "{a:1}", "'x'", "01", "1.", "-",
      "1e", "tru", "nul", "\"abc", "\"\\x\"", "\"\\u12\"", "\"\\u12zz\"", "{} x", "\"\t\"",
      "{\"a\":1 \"b\":2}", "NaN"})
  void rejectsMalformedJson(String text) {
    assertThatThrownBy(() -> JsonParser.parse(text))
        .isInstanceOf(JsonParser.JsonSyntaxException.class)
        .hasMessageStartingWith("malformed JSON at column ");
  }

  @Test
  void rejectsDeepNesting() {
    assertThatThrownBy(() -> JsonParser.parse("[".repeat(100) + "]".repeat(100)))
        .hasMessageContaining("nested deeper than 64");
  }
}
