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
 * stops every node, and what the nodes log on their way out is still printed. (.ci/run additionally runs the ./ostraka script itself.)
 */
class LocalCommandSmokeTest {
    @TempDir
    Path dir;

    /**
     * A base port below the kernel's ephemeral range (where outgoing connections take ports at
     * random) such that every port the three nodes need (base + 0..2, +10.., +20.., +30..) is free.
     */
    private static int freeBasePort() throws java.io.IOException {
        java.util.SplittableRandom random = new java.util.SplittableRandom(ProcessHandle.current().pid());
        for (int attempt = 0; attempt < 100; attempt++) {
            int base = 20000 + random.nextInt(10000);
            boolean free = true;
            for (int offset : new int[] {0, 1, 2, 10, 11, 12, 20, 21, 22, 30, 31, 32}) {
                try (ServerSocket s = new ServerSocket(base + offset)) {
                    s.setReuseAddress(true);
                } catch (java.io.IOException taken) {
                    free = false;
                    break;
                }
            }
            if (free) {
                return base;
            }
        }
        throw new java.io.IOException("no free block of ports between 20000 and 30000");
    }

    /** {@code ostraka local} with three in-memory nodes on the ports from {@code base}, output and errors merged. */
    private Process startLocal(int base) throws java.io.IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(), "local",
                "--nodes", "3", "--data", dir.toString(), "--storage", "memory",
                "--resp-port", Integer.toString(base), "--peer-port", Integer.toString(base + 10),
                "--grpc-port", Integer.toString(base + 20), "--http-port", Integer.toString(base + 30))
                .redirectErrorStream(true).start();
    }

    @Test
    void localStartsAClusterThatServesAndStopsOnSigterm() throws Exception {
        int base = freeBasePort();
        Process local = startLocal(base);
        StringBuffer output = new StringBuffer();
        try {
            CompletableFuture<Boolean> ready = new CompletableFuture<>();
            Thread reader = new Thread(() -> {
                // Reads the whole output (so the child never blocks on a full pipe), noting the ready line.
                try {
                    BufferedReader out = new BufferedReader(new InputStreamReader(local.getInputStream(), StandardCharsets.UTF_8));
                    String line;
                    while ((line = out.readLine()) != null) {
                        if (output.length() < 200_000) {
                            output.append(line).append('\n');
                        }
                        if (line.startsWith("cluster is ready")) {
                            ready.complete(true);
                        }
                    }
                } catch (java.io.IOException ignored) {
                    // the process ended
                }
                ready.complete(false);
            }, "local-output");
            reader.setDaemon(true);
            reader.start();
            assertThat(ready.get(120, TimeUnit.SECONDS)).as(() -> "ostraka local printed its ready line; its output:\n" + output).isTrue();
            try (TinyRespClient one = new TinyRespClient(base, 10_000); TinyRespClient two = new TinyRespClient(base + 1, 10_000)) {
                assertThat(one.call("SET", "smoke", "test")).isEqualTo("OK");
                assertThat(two.call("GET", "smoke")).isEqualTo("test");
            }
            List<ProcessHandle> nodes = local.descendants().toList();
            assertThat(nodes).hasSize(3);
            local.toHandle().destroy(); // SIGTERM, as Ctrl-C would (Process.destroy() would also close our end of its output)
            assertThat(local.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(local.exitValue()).as("a planned stop exits 0").isZero();
            for (ProcessHandle node : nodes) {
                assertThat(node.onExit().get(30, TimeUnit.SECONDS).isAlive()).isFalse();
            }
            reader.join(TimeUnit.SECONDS.toMillis(30));
            String said = output.toString();
            for (int id = 1; id <= 3; id++) {
                assertThat(said).as("node %d's last words reach the user before local exits", id).contains("node " + id + " stopped in ");
            }
            assertThat(said).contains("ostraka local: stopping 3 nodes").contains("ostraka local: stopped")
                    .as("a planned stop is not reported as a node exiting on its own").doesNotContain("exited with");
        } finally {
            local.descendants().forEach(ProcessHandle::destroyForcibly);
            local.destroyForcibly();
        }
    }

    /**
     * Another process on a node's port that answers /status as a leader (another cluster, say)
     * must not make {@code ostraka local} report its own cluster ready. The port check before
     * start-up catches it; a port taken after that check makes its node exit, and local then asks
     * only nodes that printed their ready line (not covered here: that needs the port taken in
     * the instant between the check and the bind).
     */
    @Test
    void anImpostorOnANodesPortIsNotTakenForTheLeader() throws Exception {
        int base = freeBasePort();
        com.sun.net.httpserver.HttpServer impostor = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", base + 30), 8);
        impostor.createContext("/", ex -> {
            byte[] body = "{\"node_id\":1,\"role\":\"leader\"}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        impostor.start();
        Process local = startLocal(base);
        try {
            String output = new String(local.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(local.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(local.exitValue()).as(output).isNotZero();
            assertThat(output).doesNotContain("cluster is ready")
                    .contains("port " + (base + 30) + " (http-port of node 1) is in use");
        } finally {
            local.descendants().forEach(ProcessHandle::destroyForcibly);
            local.destroyForcibly();
            impostor.stop(0);
        }
    }
}
