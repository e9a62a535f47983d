package io.ostraka.sim.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Found by review: check-history input that was mishandled (a number too large for a BigDecimal
 * crashed with the "not linearizable" exit status; a completion repeating the default consistency
 * was refused; an explicit null version on an invoke was accepted), a placeholder value the
 * search used that a client could also write, and a session check that one old delete turned off.
 */
class CheckerReviewTest {
  @TempDir Path dir;

  private int run(String text, ByteArrayOutputStream err) throws IOException {
    Path f = dir.resolve("h.jsonl");
    Files.writeString(f, text, StandardCharsets.UTF_8);
    return CheckHistory.run(new String[] {f.toString()},
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void hugeExponentIsBadInputNotACrash() throws IOException {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = run("{\"process\":1e99999999999,\"type\":\"invoke\",\"f\":\"get\",\"key\":\"k\",\"time\":1}\n", err);
    assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(2);
  }

  @Test
  void completionRepeatingDefaultConsistencyIsAccepted() throws IOException {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = run(
        "{\"process\":1,\"type\":\"invoke\",\"f\":\"get\",\"key\":\"k\",\"time\":1}\n"
        + "{\"process\":1,\"type\":\"ok\",\"f\":\"get\",\"key\":\"k\",\"value\":null,\"consistency\":\"linearizable\",\"time\":2}\n",
        err);
    assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(0);
  }

  @Test
  void nullVersionOnInvokeIsRejected() throws IOException {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = run(
        "{\"process\":1,\"type\":\"invoke\",\"f\":\"put\",\"key\":\"k\",\"value\":\"a\",\"version\":null,\"time\":1}\n",
        err);
    assertThat(status).isEqualTo(2);
  }

  @Test
  void staleRegressionLongAfterAnUnrelatedDeleteIsCaught() {
    CheckResult r = new Script()
        .delete(1, "x").okVersion(1, 0)            // at the very start: key was absent anyway
        .put(1, "x", "a").okVersion(1, 1)
        .put(1, "x", "b").okVersion(1, 2)
        .put(1, "x", "c").okVersion(1, 3)
        .staleGet(1, "x").okRead(1, "a", 1)        // read-your-writes broken: p1 wrote v3
        .check();
    assertThat(r.valid()).as(r.report()).isFalse();
  }

  @Test
  void aValueWithThePlaceholdersTextIsAnOrdinaryValue() {
    String magic = "(a value no read returned)";
    // put(magic) and put("u") concurrent; a later read returns magic at version 2:
    // linearizable with order put(u), put(magic), get.
    CheckResult r = new Script()
        .put(1, "x", magic).put(2, "x", "u")
        .ok(1).ok(2)
        .get(3, "x").okRead(3, magic, 2)
        .check();
    assertThat(r.linearizable()).as(r.report()).isTrue();
  }
}
