package io.ostraka.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ostraka.server.resp.TinyRespClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's run command, {@code ostraka local}, as a user runs it: it starts three server
 * processes, prints the ready line; a write on one node is read on another; SIGTERM (Ctrl-C)
 * stops every node. (.ci/run additionally runs the ./ostraka script itself.)
 */
class LocalCommandSmokeTest {
    @TempDir
    Path dir;

    @Test
    void localStartsAClusterThatServesAndStopsOnSigterm() throws Exception {
        int base;
        try (ServerSocket s = new ServerSocket(0)) {
            base = 20000 + (s.getLocalPort() % 20000);
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        Process local = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(), "local",
                "--nodes", "3", "--data", dir.toString(), "--storage", "memory",
                "--resp-port", Integer.toString(base), "--peer-port", Integer.toString(base + 10),
                "--grpc-port", Integer.toString(base + 20), "--http-port", Integer.toString(base + 30))
                .redirectErrorStream(true).start();
        try {
            CompletableFuture<Boolean> ready = CompletableFuture.supplyAsync(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(local.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    boolean seen = false;
                    while ((line = out.readLine()) != null) {
                        if (line.startsWith("cluster is ready")) {
                            seen = true;
                            break;
                        }
                    }
                    // keep draining so the child never blocks on a full pipe
                    Thread drain = new Thread(() -> {
                        try {
                            while (out.read() >= 0) {
                                // discard
                            }
                        } catch (java.io.IOException ignored) {
                            // process ended
                        }
                    });
                    drain.setDaemon(true);
                    drain.start();
                    return seen;
                } catch (java.io.IOException e) {
                    return false;
                }
            }, r -> new Thread(r).start());
            assertThat(ready.get(90, TimeUnit.SECONDS)).as("ostraka local printed its ready line").isTrue();
            try (TinyRespClient one = new TinyRespClient(base, 10_000); TinyRespClient two = new TinyRespClient(base + 1, 10_000)) {
                assertThat(one.call("SET", "smoke", "test")).isEqualTo("OK");
                assertThat(two.call("GET", "smoke")).isEqualTo("test");
            }
            List<ProcessHandle> nodes = local.descendants().toList();
            assertThat(nodes).hasSize(3);
            local.destroy(); // SIGTERM, as Ctrl-C would
            assertThat(local.waitFor(60, TimeUnit.SECONDS)).isTrue();
            for (ProcessHandle node : nodes) {
                assertThat(node.onExit().get(30, TimeUnit.SECONDS).isAlive()).isFalse();
            }
        } finally {
            local.descendants().forEach(ProcessHandle::destroyForcibly);
            local.destroyForcibly();
        }
    }
}
