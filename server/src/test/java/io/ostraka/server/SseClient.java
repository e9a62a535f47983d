package io.ostraka.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * A server-sent-events client for tests on {@link HttpClient}: a reader thread parses the
 * stream into events (comments counted apart); tests wait for an event matching a predicate.
 */
final class SseClient implements AutoCloseable {
    /** One event: its name and its data parsed as a flat JSON object. */
    record Event(String name, String data, Map<String, Object> fields) {
        long number(String field) {
            return ((Number) fields.get(field)).longValue();
        }

        String text(String field) {
            return (String) fields.get(field);
        }
    }

    final HttpResponse<InputStream> response;
    private final HttpClient client;
    private final List<Event> events = new ArrayList<>();
    private int comments;
    private volatile boolean ended;
    private final Thread reader;

    private SseClient(HttpClient client, HttpResponse<InputStream> response) {
        this.client = client;
        this.response = response;
        this.reader = new Thread(this::read, "sse-test-client");
        reader.setDaemon(true);
        reader.start();
    }

    static SseClient connect(String url) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        return new SseClient(client, response);
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String name = null;
            StringBuilder data = new StringBuilder();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.isEmpty()) {
                    if (name != null) {
                        Event e = new Event(name, data.toString(), FlatJson.parse(data.toString()));
                        synchronized (this) {
                            events.add(e);
                        }
                    }
                    name = null;
                    data.setLength(0);
                } else if (line.startsWith(":")) {
                    synchronized (this) {
                        comments++;
                    }
                } else if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data.append(line.substring(6));
                }
            }
        } catch (IOException e) {
            // closed by the test or by the server
        } finally {
            ended = true;
        }
    }

    synchronized List<Event> events() {
        return List.copyOf(events);
    }

    synchronized int comments() {
        return comments;
    }

    boolean ended() {
        return ended;
    }

    /** The first event matching {@code which}, waiting up to 30 s for it. */
    Event await(String what, Predicate<Event> which) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            for (Event e : events()) {
                if (which.test(e)) {
                    return e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " among " + events());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    @Override
    public void close() {
        try {
            response.body().close();
        } catch (IOException e) {
            // already closed
        }
        reader.interrupt();
    }
}
