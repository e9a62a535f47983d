package io.ostraka.sim.check;

import io.ostraka.sim.history.Operation;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Renders a {@link CheckResult} for people: the verdict, then for each failing key its smallest
 * failing sub-history as a table with a timeline (one column per event, {@code [---]} from
 * invocation to completion, {@code [--->} for operations that never returned), the longest
 * partial linearization, and the stale-read violations.
 */
final class Report {
  private static final int TIMELINE_OPERATIONS_MAX = 40;

  private Report() {}

  static String format(CheckResult result) {
    StringBuilder out = new StringBuilder();
    if (result.valid()) {
      out.append("VALID: ").append(result.operationCount()).append(" operations on ")
          .append(result.keyCount()).append(result.keyCount() == 1 ? " key" : " keys")
          .append(" (").append(result.searchedCount())
          .append(" searched for a linearization): linearizable,")
          .append(" and every stale read obeys the session rule.\n");
      return out.toString();
    }
    if (!result.linearizable()) {
      out.append("NOT LINEARIZABLE: ").append(result.keyFailures().size()).append(" of ")
          .append(result.keyCount()).append(result.keyCount() == 1 ? " key has" : " keys have")
          .append(" no linearization.\n");
      for (KeyFailure failure : result.keyFailures()) {
        out.append('\n');
        appendFailure(out, failure);
      }
    }
    if (!result.staleReadViolations().isEmpty()) {
      out.append(result.linearizable() ? "" : "\n").append("STALE READ VIOLATIONS: ")
          .append(result.staleReadViolations().size()).append('\n');
      for (StaleReadViolation violation : result.staleReadViolations()) {
        Operation read = violation.read();
        out.append("  key \"").append(read.key()).append("\", p").append(read.process())
            .append(", lines ").append(lines(read)).append(": ").append(read.describe())
            .append("\n    ").append(violation.problem()).append('\n');
      }
    }
    return out.toString();
  }

  private static void appendFailure(StringBuilder out, KeyFailure failure) {
    out.append("key \"").append(failure.key()).append("\": ").append(failure.operationCount())
        .append(" operations, no linearization.");
    if (!failure.minimized()) {
      out.append(" (Not minimized: only the first ")
          .append(LinearizabilityChecker.MINIMIZED_KEYS_MAX).append(" failing keys are.)\n");
      return;
    }
    out.append(" Smallest failing sub-history found: ").append(failure.subHistory().size())
        .append(failure.subHistory().size() == 1 ? " operation" : " operations").append(".\n");
    boolean timeline = failure.subHistory().size() <= TIMELINE_OPERATIONS_MAX;
    TreeSet<Integer> positions = positions(failure.subHistory());
    out.append(String.format(Locale.ROOT, "  %-6s %-8s %-13s %-40s%s%n", "op", "process", "lines",
        "operation", timeline ? "timeline" : ""));
    for (Operation op : failure.subHistory()) {
      out.append(String.format(Locale.ROOT, "  %-6s %-8s %-13s %-40s%s%n", "#" + op.id(), "p" + op.process(),
          lines(failure.recorded().getOrDefault(op.id(), op)), op.describe(),
          timeline ? bar(op, positions) : ""));
      Operation recorded = failure.recorded().get(op.id());
      if (recorded != null) {
        out.append("         (weakened: recorded as ").append(recorded.describe()).append(")\n");
      }
    }
    out.append("  Longest partial linearization: ");
    if (failure.longestPartial().isEmpty()) {
      out.append("(none: no operation can go first)");
    }
    for (int i = 0; i < failure.longestPartial().size(); i++) {
      out.append(i == 0 ? "" : ", ").append('#').append(failure.longestPartial().get(i).id());
    }
    out.append("; nothing can follow it before some other operation's completion.\n")
        .append("  The sub-history keeps the real-time order; only operations whose removal or")
        .append(" weakening\n  cannot turn a linearizable history into a failing one were")
        .append(" changed, so it proves the violation.\n");
  }

  private static String lines(Operation op) {
    return op.completeLine() < 0 ? op.invokeLine() + "-" : op.invokeLine() + "-" + op.completeLine();
  }

  private static TreeSet<Integer> positions(List<Operation> ops) {
    TreeSet<Integer> positions = new TreeSet<>();
    for (Operation op : ops) {
      positions.add(op.invokeIndex());
      if (!op.isIndeterminate()) {
        positions.add(op.completeIndex());
      }
    }
    return positions;
  }

  private static String bar(Operation op, TreeSet<Integer> positions) {
    int start = positions.headSet(op.invokeIndex()).size();
    int end = op.isIndeterminate() ? positions.size() : positions.headSet(op.completeIndex()).size();
    StringBuilder bar = new StringBuilder();
    bar.append("  ".repeat(start)).append('[');
    bar.append("-".repeat(Math.max(0, 2 * (end - start) - 1)));
    return bar.append(op.isIndeterminate() ? '>' : ']').toString();
  }
}
