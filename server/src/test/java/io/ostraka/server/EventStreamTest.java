package io.ostraka.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.ostraka.node.NodeEvent;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The /events endpoint on its own (an HTTP server, events fed by hand): frames carry the event's
 * name and its fields as JSON, silences are filled with keep-alive comments, a type filter
 * narrows the stream; subscribers past the cap are refused with 503; a client that disconnects
 * is unsubscribed; a client that stops reading is dropped while the caller (standing in for
 * the event loop) never waits; closing the stream ends every connection.
 */
class EventStreamTest {
    private HttpServer server;
    private ExecutorService executor;
    private EventStream stream;

    private String start(EventStream.Options options) throws Exception {
        stream = new EventStream(options);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        executor = Executors.newFixedThreadPool(2);
        server.setExecutor(executor);
        server.createContext("/events", stream);
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/events";
    }

    @AfterEach
    void stop() {
        if (stream != null) {
            stream.close();
        }
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    private static NodeEvent event(NodeEvent.Type type, String detail) {
        return new NodeEvent(type, 3, 1, 7, 42, 2, detail, 0, 0, 1_700_000_000_123L);
    }

    @Test
    void framesCarryTheEventAsJsonAndSilencesGetKeepAlives() throws Exception {
        String url = start(new EventStream.Options(4, 64, Duration.ofMillis(50)));
        try (SseClient all = SseClient.connect(url); SseClient snapshots = SseClient.connect(url + "?types=SnapshotFinished")) {
            assertThat(all.response.statusCode()).isEqualTo(200);
            assertThat(all.response.headers().firstValue("Content-Type")).hasValue("text/event-stream; charset=utf-8");
            await("two subscribers", () -> stream.subscribers() == 2);

            stream.onNodeEvent(event(NodeEvent.Type.LEADER_ELECTED, "a \"quoted\"\nline"));
            stream.onNodeEvent(new NodeEvent(NodeEvent.Type.SNAPSHOT_TRANSFER_PROGRESS, 3, 1, 7, 40, 4, "", 512, 1024, 1L));
            stream.onNodeEvent(event(NodeEvent.Type.SNAPSHOT_FINISHED, "take"));

            SseClient.Event elected = all.await("LeaderElected", e -> e.name().equals("LeaderElected"));
            assertThat(elected.fields()).containsEntry("type", "LeaderElected").containsEntry("node", 3L)
                    .containsEntry("group", 1L).containsEntry("term", 7L).containsEntry("index", 42L)
                    .containsEntry("peer", 2L).containsEntry("detail", "a \"quoted\"\nline")
                    .containsEntry("time", "2023-11-14T22:13:20.123Z");
            SseClient.Event progress = all.await("progress", e -> e.name().equals("SnapshotTransferProgress"));
            assertThat(progress.number("bytes")).isEqualTo(512);
            assertThat(progress.number("totalBytes")).isEqualTo(1024);
            all.await("SnapshotFinished", e -> e.name().equals("SnapshotFinished"));
            assertThat(all.events()).extracting(SseClient.Event::name)
                    .containsExactly("LeaderElected", "SnapshotTransferProgress", "SnapshotFinished");

            snapshots.await("SnapshotFinished", e -> e.name().equals("SnapshotFinished"));
            assertThat(snapshots.events()).extracting(SseClient.Event::name).containsExactly("SnapshotFinished");

            int before = all.comments();
            await("keep-alive comments", () -> all.comments() >= before + 2);
        }
    }

    @Test
    void subscribersPastTheCapAreRefused() throws Exception {
        String url = start(new EventStream.Options(1, 8, Duration.ofSeconds(1)));
        try (SseClient first = SseClient.connect(url)) {
            await("the first subscriber", () -> stream.subscribers() == 1);
            HttpResponse<String> second = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(second.statusCode()).isEqualTo(503);
            assertThat(second.body()).contains("too many event subscribers (at most 1)");
            HttpResponse<String> post = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
        }
    }

    @Test
    void aClientThatDisconnectsIsUnsubscribed() throws Exception {
        String url = start(new EventStream.Options(2, 8, Duration.ofMillis(20)));
        SseClient client = SseClient.connect(url);
        await("the subscriber", () -> stream.subscribers() == 1);
        client.close();
        await("the subscriber to be gone", () -> stream.subscribers() == 0);
        try (SseClient again = SseClient.connect(url)) {
            await("a new subscriber in the freed slot", () -> stream.subscribers() == 1);
        }
    }

    @Test
    void aClientThatStopsReadingIsDroppedAndTheCallerNeverWaits() throws Exception {
        String url = start(new EventStream.Options(2, 8, Duration.ofSeconds(30)));
        int port = server.getAddress().getPort();
        try (Socket stalled = new Socket("127.0.0.1", port); SseClient reading = SseClient.connect(url + "?types=LeaderElected")) {
            stalled.setReceiveBufferSize(4096);
            OutputStream out = stalled.getOutputStream();
            out.write("GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            await("two subscribers", () -> stream.subscribers() == 2);

            String detail = "x".repeat(16 * 1024);
            long slowestCallNanos = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (stream.droppedSlowSubscribers() == 0 && System.nanoTime() < deadline) {
                long start = System.nanoTime();
                stream.onNodeEvent(event(NodeEvent.Type.SNAPSHOT_TRANSFER_PROGRESS, detail));
                slowestCallNanos = Math.max(slowestCallNanos, System.nanoTime() - start);
            }
            assertThat(stream.droppedSlowSubscribers()).isEqualTo(1);
            assertThat(slowestCallNanos).as("the slowest onNodeEvent call").isLessThan(TimeUnit.SECONDS.toNanos(1));
            await("the stalled client to be dropped", () -> stream.subscribers() == 1);

            // The other client, which reads, is unaffected.
            stream.onNodeEvent(event(NodeEvent.Type.LEADER_ELECTED, "after"));
            reading.await("an event after the drop", e -> e.text("detail").equals("after"));
        }
    }

    @Test
    void closingTheStreamEndsEveryConnection() throws Exception {
        String url = start(new EventStream.Options(2, 8, Duration.ofSeconds(30)));
        try (SseClient client = SseClient.connect(url)) {
            await("the subscriber", () -> stream.subscribers() == 1);
            stream.close();
            await("the connection to end", client::ended);
            assertThat(stream.subscribers()).isZero();
            HttpResponse<String> refused = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(503);
        }
    }
}
