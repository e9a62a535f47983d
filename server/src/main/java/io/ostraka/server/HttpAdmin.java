package io.ostraka.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ostraka.node.RaftGroup;
import io.ostraka.raft.Role;
import io.ostraka.raft.Status;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The HTTP admin endpoint (default port 8379): {@code /health} (the process is alive),
 * {@code /ready} (a leader is known and this node has applied what it knows committed),
 * {@code /status} (JSON, {@link NodeStatus}). Extra routes (metrics, events) are added by the server.
 */
public final class HttpAdmin implements AutoCloseable {
    /** Threads serving requests; the JDK server reads a request's headers on one of them. */
    static final int THREADS = 8;

    static {
        // The JDK server waits for a request's headers without limit by default, on an executor
        // thread: a few clients that send half a request and go quiet would hold every thread,
        // and a liveness probe would then kill a healthy node. Read once, when the first server
        // is made; an operator's -D setting wins.
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
            System.setProperty("sun.net.httpserver.maxReqTime", "10"); // seconds
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final RaftGroup group;
    private final Supplier<String> statusJson;

    /** {@code statusJson} makes the {@code /status} document (see {@link NodeStatus#toJson()}). */
    public HttpAdmin(String host, int port, RaftGroup group, Supplier<String> statusJson) throws IOException {
        this.group = group;
        this.statusJson = statusJson;
        this.server = HttpServer.create(new InetSocketAddress(host, port), 64);
        this.executor = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "ostraka-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        route("/health", ex -> {
            if (group.failure() != null) {
                reply(ex, 500, "text/plain", "failed: " + group.failure() + "\n");
            } else {
                reply(ex, 200, "text/plain", "ok\n");
            }
        });
        route("/ready", this::ready);
        route("/status", this::status);
    }

    public void start() {
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * Adds a route for exactly {@code path} (the JDK server matches contexts by prefix: /healthz
     * would reach /health) and GET; the handler writes the whole response. Anything else is 404
     * or 405.
     */
    public void route(String path, com.sun.net.httpserver.HttpHandler handler) {
        server.createContext(path, ex -> {
            if (!ex.getRequestURI().getPath().equals(path)) {
                reply(ex, 404, "text/plain", "not found: " + ex.getRequestURI().getPath() + "\n");
            } else if (!ex.getRequestMethod().equals("GET")) {
                ex.getResponseHeaders().set("Allow", "GET");
                reply(ex, 405, "text/plain", "method " + ex.getRequestMethod() + " not allowed on " + path + "\n");
            } else {
                handler.handle(ex);
            }
        });
    }

    private void status(HttpExchange ex) throws IOException {
        String body;
        try {
            body = statusJson.get();
        } catch (RuntimeException e) {
            reply(ex, 500, "text/plain", "status unavailable: " + e + "\n");
            return;
        }
        reply(ex, 200, "application/json", body);
    }

    private void ready(HttpExchange ex) throws IOException {
        if (group.failure() != null) {
            reply(ex, 503, "text/plain", "not ready: the group stopped: " + group.failure() + "\n");
            return;
        }
        Status s = group.status();
        boolean leaderKnown = s != null && s.leader() != 0;
        boolean caughtUp = s != null && s.applied() >= s.committed();
        if (leaderKnown && caughtUp) {
            reply(ex, 200, "text/plain", "ready: " + (s.role() == Role.LEADER ? "leader" : "following " + s.leader())
                    + ", applied " + s.applied() + "\n");
        } else {
            reply(ex, 503, "text/plain", s == null ? "not ready: starting\n"
                    : !leaderKnown ? "not ready: no leader known\n"
                    : "not ready: applied " + s.applied() + " of committed " + s.committed() + "\n");
        }
    }

    public static void reply(HttpExchange ex, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType + "; charset=utf-8");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** A flat JSON object of strings (numbers stay strings: the values are already formatted). */
    public static String json(Map<String, String> fields) {
        JsonWriter j = new JsonWriter().beginObject();
        fields.forEach(j::field);
        return j.endObject() + "\n";
    }

    static String escape(String v) {
        return JsonWriter.escape(v);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
