package io.ostraka.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that send half an HTTP request and go quiet must not starve the health probes of a
 * real server process: /health answers while they hang, and the server cuts them off once its
 * request time limit passes. A process of its own, because the JDK reads that limit once per JVM,
 * when its first HTTP server is made.
 */
class HttpAdminProcessTest {
    @TempDir
    Path dir;

    @Test
    void halfSentRequestsDoNotStarveHealthChecks() throws Exception {
        try (ProcessCluster cluster = new ProcessCluster(dir, 1)) {
            cluster.awaitLeader(Duration.ofSeconds(60));
            int port = cluster.ports.get(1L).http();
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < 6; i++) {
                    Socket s = new Socket("127.0.0.1", port);
                    s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    slow.add(s);
                }
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).isEqualTo(200);
                Socket first = slow.get(0);
                first.setSoTimeout(60_000);
                assertThat(first.getInputStream().read()).as("end of stream: the server closed the half-sent request").isEqualTo(-1);
            } finally {
                for (Socket s : slow) {
                    s.close();
                }
            }
        }
    }
}
