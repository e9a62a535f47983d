package io.ostraka.sim.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.ostraka.sim.history.History;
import io.ostraka.sim.history.HistoryWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves the command-line contract of {@code CheckHistory}: exit 0 for a valid history, 1 with a
 * report for a violation, 2 with a line-and-field error for bad input or usage, and exports.
 */
class CheckHistoryTest {
  @TempDir Path directory;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @Test
  void validHistoryExitsZero() throws IOException {
    Path file = write(new Script().put(1, "x", "a").okVersion(1, 1).build());

    assertThat(run(file.toString())).isZero();
    assertThat(stdout()).startsWith("VALID: 1 operations on 1 key");
  }

  @Test
  void violationExitsOneWithTheReport() throws IOException {
    Path file = write(new Script().put(1, "x", "a").okVersion(1, 1).get(2, "x").okAbsent(2)
        .build());

    assertThat(run(file.toString())).isEqualTo(1);
    assertThat(stdout()).startsWith("NOT LINEARIZABLE").contains("key \"x\"");
  }

  @Test
  void staleReadViolationAloneExitsOne() throws IOException {
    Path file = write(new Script().staleGet(2, "x").okRead(2, "ghost", 1).build());

    assertThat(run(file.toString())).isEqualTo(1);
    assertThat(stdout()).startsWith("STALE READ VIOLATIONS: 1");
  }

  @Test
  void malformedLineExitsTwoNamingLineAndField() throws IOException {
    Path file = directory.resolve("bad.jsonl");
    Files.writeString(file, "{\"process\":1,\"type\":\"invoke\",\"f\":\"get\",\"key\":\"k\",\"time\":1}\n"
        + "{\"process\":1,\"type\":\"ok\",\"f\":\"get\",\"key\":\"k\",\"value\":null,\"time\":\"x\"}\n");

    assertThat(run(file.toString())).isEqualTo(2);
    assertThat(stderr()).isEqualTo(file + ": line 2, field \"time\": must be an integer, not the"
        + " string \"x\"\n");
    assertThat(stdout()).isEmpty();
  }

  @Test
  void missingFileAndBadUsageExitTwo() {
    assertThat(run(directory.resolve("absent.jsonl").toString())).isEqualTo(2);
    assertThat(stderr()).contains("cannot read");
    assertThat(run()).isEqualTo(2);
    assertThat(run("a", "--export")).isEqualTo(2);
    assertThat(run("a", "--export", "knossos", "out")).isEqualTo(2);
    assertThat(stderr()).contains("unknown export format \"knossos\"").contains("usage:");
  }

  @Test
  void exportsPorcupineAndEdnAlongsideTheVerdict() throws IOException {
    Path file = write(new Script().put(1, "x", "a").okVersion(1, 1).build());
    Path porcupine = directory.resolve("history.json");
    Path edn = directory.resolve("history.edn");

    assertThat(run(file.toString(), "--export", "porcupine", porcupine.toString())).isZero();
    assertThat(run(file.toString(), "--export", "edn", edn.toString())).isZero();

    assertThat(Files.readString(porcupine)).startsWith("[\n{\"ClientId\":1,");
    assertThat(Files.readAllLines(edn)).hasSize(2)
        .first().asString().startsWith("{:process 1, :type :invoke, :f :write");
  }

  private Path write(History history) throws IOException {
    Path file = directory.resolve("history.jsonl");
    Files.writeString(file, HistoryWriter.toJsonLines(history));
    return file;
  }

  private int run(String... args) {
    return CheckHistory.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }
}
