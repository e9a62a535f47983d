package io.ostraka.server.resp;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Proves the server is usable by the real Redis tools: {@code redis-cli} runs the supported
 * commands and shows our error replies, {@code redis-cli --pipe} mass-inserts a generated
 * pipeline with no errors, and {@code redis-benchmark -t set,get} completes without errors.
 * Skipped, with a message, only when the tools are not installed (package {@code redis-tools};
 * .ci/run installs it).
 */
class RedisToolsCompatibilityTest {
    private static final long PROCESS_TIMEOUT_SECONDS = 120;
    private static LocalKvService service;
    private static RespServer server;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(onPath("redis-cli"),
                "redis-cli is not on PATH: install the redis-tools package to run the Redis compatibility tests");
        service = new LocalKvService();
        server = new RespServer(service,
                RespServerConfig.defaults().withHost("127.0.0.1").withPort(0).withEventLoopThreads(2));
        server.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private record Run(int exitCode, String output) {}

    private static Run run(Path stdin, String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (stdin != null) {
            builder.redirectInput(stdin.toFile());
        } else {
            builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        }
        Process process = builder.start();
        try {
            byte[] output = process.getInputStream().readAllBytes(); // ends when the process exits
            assertThat(process.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS))
                    .as("%s finished in time", String.join(" ", command)).isTrue();
            return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
        } finally {
            process.destroyForcibly();
        }
    }

    private static String cli(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p",
                Integer.toString(server.port())));
        command.addAll(List.of(args));
        Run result = run(null, command.toArray(String[]::new));
        assertThat(result.exitCode()).as("redis-cli %s: %s", String.join(" ", args), result.output()).isZero();
        return result.output().strip();
    }

    @Test
    void redisCliRunsTheSupportedCommands() throws Exception {
        assertThat(cli("PING")).isEqualTo("PONG");
        assertThat(cli("ECHO", "hello")).isEqualTo("hello");
        assertThat(cli("SET", "cli:k", "v1")).isEqualTo("OK");
        assertThat(cli("GET", "cli:k")).isEqualTo("v1");
        assertThat(cli("SET", "cli:k", "v2", "XX", "GET")).isEqualTo("v1");
        assertThat(cli("SET", "cli:k", "v3", "NX")).isEmpty(); // nil prints as an empty line
        assertThat(cli("MSET", "cli:a", "1", "cli:b", "2")).isEqualTo("OK");
        assertThat(cli("MGET", "cli:a", "cli:b")).isEqualTo("1\n2");
        assertThat(cli("EXISTS", "cli:a", "cli:b", "cli:none")).isEqualTo("2");
        assertThat(cli("INCR", "cli:n")).isEqualTo("1");
        assertThat(cli("INCRBY", "cli:n", "41")).isEqualTo("42");
        assertThat(cli("DECR", "cli:n")).isEqualTo("41");
        assertThat(cli("DECRBY", "cli:n", "40")).isEqualTo("1");
        assertThat(cli("DEL", "cli:a", "cli:b")).isEqualTo("2");
        assertThat(cli("KEYS", "cli:*")).contains("cli:k", "cli:n");
        assertThat(cli("SCAN", "0", "MATCH", "cli:*")).contains("cli:k", "cli:n");
        assertThat(Long.parseLong(cli("DBSIZE"))).isPositive();
        assertThat(cli("INFO", "raft")).contains("# Raft", "role:leader");
        assertThat(cli("INFO")).contains("# Server", "# Clients", "# Keyspace", "# Raft");
        assertThat(cli("SELECT", "0")).isEqualTo("OK");
        assertThat(cli("CLIENT", "SETNAME", "cli")).isEqualTo("OK");
        assertThat(Long.parseLong(cli("CLIENT", "ID"))).isPositive();
        assertThat(Long.parseLong(cli("COMMAND", "COUNT"))).isGreaterThan(25);
        assertThat(cli("OSTRAKA.CAS", "cli:v", "0", "x")).isEqualTo("1");
        assertThat(cli("OSTRAKA.GETV", "cli:v")).startsWith("x\n1\n");
        assertThat(cli("OSTRAKA.CONSISTENCY")).isEqualTo("linearizable");
        assertThat(cli("OSTRAKA.STATUS")).contains("role\nleader");
    }

    @Test
    void redisCliShowsErrorReplies() throws Exception {
        assertThat(cli("GET")).contains("ERR wrong number of arguments for 'get' command");
        assertThat(cli("NOSUCH", "x")).contains("ERR unknown command 'NOSUCH', with args beginning with: 'x'");
        assertThat(cli("SET", "cli:s", "abc")).isEqualTo("OK");
        assertThat(cli("INCR", "cli:s")).contains("ERR value is not an integer or out of range");
        assertThat(cli("INCRBY", "cli:s", "x")).contains("ERR value is not an integer or out of range");
        assertThat(cli("SET", "cli:s", "v", "EX", "10")).contains("ERR TTL is not supported yet");
        assertThat(cli("SELECT", "3")).contains("ERR DB index is out of range");
        assertThat(cli("HELLO", "3")).contains("NOPROTO");
        assertThat(cli("OSTRAKA.CAS", "cli:s", "7", "x")).contains("CONFLICT");
    }

    @Test
    void redisCliPipeMassInsert(@TempDir Path dir) throws Exception {
        int keys = 20_000;
        Path file = dir.resolve("mass-insert.resp");
        try (var out = Files.newOutputStream(file)) {
            for (int i = 0; i < keys; i++) {
                out.write(TinyRespClient.encode("SET", "mass:" + i, "value-" + i));
            }
        }
        Run result = run(file, "redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(server.port()), "--pipe");
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("errors: 0, replies: " + keys);
        assertThat(cli("GET", "mass:" + (keys - 1))).isEqualTo("value-" + (keys - 1));
    }

    @Test
    void redisBenchmarkSetGetFinishesWithoutErrors() throws Exception {
        Assumptions.assumeTrue(onPath("redis-benchmark"), "redis-benchmark is not on PATH: install redis-tools");
        Run result = run(null, "redis-benchmark", "-h", "127.0.0.1", "-p", Integer.toString(server.port()),
                "-t", "set,get", "-n", "20000", "-c", "20", "-q");
        System.out.println(result.output()); // the figures, in the surefire output file
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SET: ", "GET: ", "requests per second")
                .doesNotContainIgnoringCase("error");
    }
}
