package io.ostraka.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the {@code ostraka} command in this JVM, as an operator types it, and captures what it
 * prints. The admin commands print to {@code System.out} / {@code System.err}, so those are
 * swapped for the duration of one command (one command at a time). Anything else the JVM logs
 * meanwhile may land in the captured text too; the parsers below only read the lines they know.
 */
final class Cli {
    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private static final Pattern MEMBER_LINE = Pattern.compile("^(\\d+)\\s+.*\\s(leader|voter|learner)\\s*$", Pattern.MULTILINE);

    private Cli() {}

    static synchronized Result run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        int exitCode;
        try (PrintStream capturedOut = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
             PrintStream capturedErr = new PrintStream(errBytes, true, StandardCharsets.UTF_8)) {
            System.setOut(capturedOut);
            System.setErr(capturedErr);
            exitCode = Main.execute(args);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        Result result = new Result(exitCode, outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
        out.println("$ ostraka " + String.join(" ", args) + "\n" + result);
        return result;
    }

    /** The member table that {@code member list}, {@code add} and {@code add-learner} print: id → leader / voter / learner. */
    static TreeMap<Long, String> members(String output) {
        TreeMap<Long, String> roles = new TreeMap<>();
        Matcher m = MEMBER_LINE.matcher(output);
        while (m.find()) {
            roles.put(Long.parseLong(m.group(1)), m.group(2));
        }
        return roles;
    }
}
