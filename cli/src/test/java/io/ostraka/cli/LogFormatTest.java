package io.ostraka.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * How {@code ostraka server} logs, proven on real processes: with stdout a pipe (not a terminal)
 * every log line is a JSON object, and the Raft events among them carry node, group, term, index,
 * peer and event as fields of their own; with {@code OSTRAKA_LOG_FORMAT=text} the same event is a
 * readable line; an unknown format is refused in one line before anything starts.
 */
class LogFormatTest {
    @TempDir
    Path dir;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theSettingWinsAndOtherwiseATerminalGetsText() {
        assertThat(LogFormat.choose(null, true)).isEqualTo(LogFormat.TEXT);
        assertThat(LogFormat.choose(null, false)).isEqualTo(LogFormat.JSON);
        assertThat(LogFormat.choose("", false)).isEqualTo(LogFormat.JSON);
        assertThat(LogFormat.choose("auto", true)).isEqualTo(LogFormat.TEXT);
        assertThat(LogFormat.choose("JSON", true)).isEqualTo(LogFormat.JSON);
        assertThat(LogFormat.choose(" text ", false)).isEqualTo(LogFormat.TEXT);
        assertThatThrownBy(() -> LogFormat.choose("xml", false)).hasMessage("OSTRAKA_LOG_FORMAT=xml: must be json, text or auto");
    }

    /** A dev-mode single node whose output is read line by line until {@code first} and {@code second} each matched a line. */
    private List<String> runServerUntil(String format, Predicate<String> first, Predicate<String> second) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "server", "--dev", "--node-id", "1", "--data-dir", dir.toString(),
                "--storage", "memory", "--profile", "low-latency", "--initial-members", "1=127.0.0.1:7999",
                "--peer-listen", "127.0.0.1:0", "--resp-listen", "127.0.0.1:0", "--grpc-listen", "127.0.0.1:0",
                "--http-listen", "127.0.0.1:0").redirectErrorStream(true);
        pb.environment().remove(LogFormat.ENV);
        pb.environment().remove("OSTRAKA_LOG_LEVEL");
        if (format != null) {
            pb.environment().put(LogFormat.ENV, format);
        }
        Process p = pb.start();
        List<String> lines = new ArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                }
            } catch (java.io.IOException e) {
                // the process ended
            }
        }, "log-format-test-reader");
        reader.setDaemon(true);
        reader.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                synchronized (lines) {
                    if (lines.stream().anyMatch(first) && lines.stream().anyMatch(second)) {
                        return new ArrayList<>(lines);
                    }
                }
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    reader.join(TimeUnit.SECONDS.toMillis(5));
                    synchronized (lines) {
                        throw new AssertionError("the server " + (p.isAlive() ? "did not log the lines in time" : "exited")
                                + "; its output:\n" + String.join("\n", lines));
                    }
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
        } finally {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void withoutATerminalEveryLogLineIsJsonAndRaftEventsCarryTheirFields() throws Exception {
        List<String> lines = runServerUntil(null, l -> l.contains("\"event\":\"LeaderElected\""), l -> l.contains("ostraka node 1 ready"));
        List<JsonNode> logged = new ArrayList<>();
        for (String line : lines) {
            JsonNode node = JSON.readTree(line);
            assertThat(node.isObject()).as(line).isTrue();
            assertThat(node.propertyNames()).as(line).contains("@timestamp", "level", "logger_name", "message");
            logged.add(node);
        }
        JsonNode elected = logged.stream().filter(n -> n.has("event") && n.get("event").asString().equals("LeaderElected"))
                .findFirst().orElseThrow();
        assertThat(elected.get("logger_name").asString()).isEqualTo("io.ostraka.events");
        assertThat(elected.get("level").asString()).isEqualTo("INFO");
        for (String field : List.of("node", "group", "term", "index", "peer")) {
            assertThat(elected.get(field).isNumber()).as(field + " in " + elected).isTrue();
        }
        assertThat(elected.get("node").asLong()).isEqualTo(1);
        assertThat(elected.get("group").asLong()).isEqualTo(1);
        assertThat(elected.get("peer").asLong()).isEqualTo(1);
        assertThat(elected.get("term").asLong()).isPositive();
        assertThat(elected.get("detail").asString()).isEqualTo("this node");
        assertThat(elected.get("message").asString()).startsWith("LeaderElected group 1 node 1 term ");
        assertThat(logged).anyMatch(n -> n.has("event") && n.get("event").asString().equals("VoteRequested"));
        assertThat(logged).as("the ready line is a JSON record too").anyMatch(n -> n.get("message").asString().startsWith("ostraka node 1 ready: resp="));
    }

    @Test
    void textModeKeepsEventsReadable() throws Exception {
        List<String> lines = runServerUntil("text", l -> l.contains("LeaderElected"), l -> l.startsWith("ostraka node 1 ready: resp="));
        String elected = lines.stream().filter(l -> l.contains("LeaderElected")).findFirst().orElseThrow();
        assertThat(elected).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  io\\.ostraka\\.events - "
                + "LeaderElected group 1 node 1 term \\d+ index \\d+ peer 1: this node");
        assertThat(lines).noneMatch(l -> l.startsWith("{"));
    }

    @Test
    void anUnknownFormatIsRefusedInOneLine() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "--version").redirectErrorStream(true);
        pb.environment().put(LogFormat.ENV, "xml");
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(output).isEqualTo("ostraka: OSTRAKA_LOG_FORMAT=xml: must be json, text or auto\n");
    }
}
