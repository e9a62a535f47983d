package io.ostraka.sim.check;

import io.ostraka.sim.history.EdnExporter;
import io.ostraka.sim.history.History;
import io.ostraka.sim.history.HistoryFormatException;
import io.ostraka.sim.history.HistoryReader;
import io.ostraka.sim.history.PorcupineExporter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code CheckHistory FILE [--export porcupine|edn OUT]}: checks a JSON Lines history and prints
 * the verdict. Exit status 0 = linearizable (and stale reads valid), 1 = not, 2 = bad input or
 * usage (the error names the line and field). With {@code --export} the history is also written
 * in Porcupine's JSON or Jepsen's EDN form, so an independent checker can confirm the verdict.
 */
public final class CheckHistory {
  static final int VALID = 0;
  static final int INVALID = 1;
  static final int BAD_INPUT = 2;

  private static final String USAGE =
      "usage: CheckHistory FILE [--export porcupine|edn OUT]";

  private CheckHistory() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the command; returns its exit status instead of exiting (for tests). */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length != 1 && !(args.length == 4 && args[1].equals("--export"))) {
      err.println(USAGE);
      return BAD_INPUT;
    }
    if (args.length == 4 && !isFormat(args[2])) {
      err.println("unknown export format \"" + args[2] + "\" (porcupine or edn)");
      err.println(USAGE);
      return BAD_INPUT;
    }
    Path file = Path.of(args[0]);
    History history;
    try {
      history = HistoryReader.read(file);
    } catch (HistoryFormatException e) {
      err.println(file + ": " + e.getMessage());
      return BAD_INPUT;
    } catch (IOException e) {
      err.println(file + ": cannot read: " + e.getMessage());
      return BAD_INPUT;
    } catch (RuntimeException e) {
      // Whatever else the input provoked is bad input too, never the "not linearizable" status.
      err.println(file + ": unreadable history: " + e);
      return BAD_INPUT;
    }
    if (args.length == 4) {
      try {
        export(history, args[2], Path.of(args[3]));
      } catch (IOException e) {
        err.println(args[3] + ": cannot write: " + e.getMessage());
        return BAD_INPUT;
      }
    }
    CheckResult result = LinearizabilityChecker.check(history);
    out.print(result.report());
    return result.valid() ? VALID : INVALID;
  }

  private static boolean isFormat(String format) {
    return format.equals("porcupine") || format.equals("edn");
  }

  private static void export(History history, String format, Path target) throws IOException {
    try (Writer writer = Files.newBufferedWriter(target, StandardCharsets.UTF_8)) {
      if (format.equals("porcupine")) {
        PorcupineExporter.write(history, writer);
      } else {
        EdnExporter.write(history, writer);
      }
    }
  }
}
