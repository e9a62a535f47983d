package io.ostraka.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.ostraka.node.NodeEvent;
import io.ostraka.node.RaftListener;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's events as a server-sent-events stream ({@code GET /events}, {@code text/event-stream}):
 * each {@link NodeEvent} becomes {@code id: <n>\nevent: <Name>\ndata: <json>\n\n}, and a comment
 * line is sent when nothing happened for a while, so proxies keep the connection and a client
 * that went away is noticed. {@code ?types=LeaderElected,SnapshotFinished} narrows the stream.
 * There is no replay: a client sees what happens after it connects.
 *
 * <p>Why it is built this way: listeners run on the group's event loop, which must never wait
 * for a network client. So {@link #onNodeEvent} only formats the event once and offers it to
 * each subscriber's bounded queue; a subscriber whose queue is full is dropped on the spot (its
 * writer is interrupted, which closes its connection even mid-write), never waited for. Each
 * subscriber has its own writer thread — a stalled client blocks only itself — so the number of
 * subscribers is capped, and one over the cap is answered 503. The admin server's own two
 * threads are never held: the handler hands the exchange to the writer and returns.
 */
public final class EventStream implements RaftListener, HttpHandler, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventStream.class);

    /**
     * @param subscribersMax most concurrent clients
     * @param bufferEvents   events queued for one client before it is dropped as too slow
     * @param keepAlive      longest silence before a comment line is sent
     */
    public record Options(int subscribersMax, int bufferEvents, Duration keepAlive) {
        public static final Options DEFAULT = new Options(16, 1024, Duration.ofSeconds(15));

        public Options {
            if (subscribersMax <= 0 || bufferEvents <= 0 || keepAlive.isNegative() || keepAlive.isZero()) {
                throw new IllegalArgumentException("event stream options must be positive: " + subscribersMax + ", "
                        + bufferEvents + ", " + keepAlive);
            }
        }
    }

    private final Options options;
    private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
    private final AtomicLong nextEventId = new AtomicLong();
    private final AtomicLong nextSubscriberId = new AtomicLong();
    private final AtomicLong droppedSlow = new AtomicLong();
    private volatile boolean closed;

    public EventStream(Options options) {
        this.options = options;
    }

    // ---------------------------------------------------------------- the listener (event loops)

    @Override
    public void onNodeEvent(NodeEvent event) {
        if (subscribers.isEmpty()) {
            return;
        }
        String name = event.type().eventName();
        String frame = "id: " + nextEventId.incrementAndGet() + "\nevent: " + name + "\ndata: " + json(event) + "\n\n";
        for (Subscriber s : subscribers) {
            if (s.wants(name)) {
                s.offer(frame);
            }
        }
    }

    /** The event as one line of JSON; numbers stay numbers, the time is ISO-8601 UTC. */
    static String json(NodeEvent e) {
        return "{\"type\":\"" + e.type().eventName() + "\",\"node\":" + e.nodeId() + ",\"group\":" + e.groupId()
                + ",\"term\":" + e.term() + ",\"index\":" + e.index() + ",\"peer\":" + e.peer()
                + ",\"detail\":\"" + HttpAdmin.escape(e.detail()) + "\",\"bytes\":" + e.bytes()
                + ",\"totalBytes\":" + e.totalBytes() + ",\"time\":\"" + Instant.ofEpochMilli(e.timeMillis()) + "\"}";
    }

    // ---------------------------------------------------------------- HTTP (admin server threads)

    @Override
    public void handle(HttpExchange ex) throws IOException {
        if (!"GET".equals(ex.getRequestMethod())) {
            ex.getResponseHeaders().set("Allow", "GET");
            HttpAdmin.reply(ex, 405, "text/plain", "use GET\n");
            return;
        }
        Subscriber s = new Subscriber(ex, typesOf(ex.getRequestURI().getRawQuery()));
        if (!admit(s)) {
            HttpAdmin.reply(ex, 503, "text/plain", closed ? "shutting down\n"
                    : "too many event subscribers (at most " + options.subscribersMax() + ")\n");
            return;
        }
        s.thread.start();
    }

    private synchronized boolean admit(Subscriber s) {
        if (closed || subscribers.size() >= options.subscribersMax()) {
            return false;
        }
        subscribers.add(s);
        return true;
    }

    /** {@code types=A,B} from a query string, or null for every type. */
    static Set<String> typesOf(String rawQuery) {
        if (rawQuery == null) {
            return null;
        }
        for (String param : rawQuery.split("&")) {
            if (param.startsWith("types=")) {
                String list = java.net.URLDecoder.decode(param.substring(6), StandardCharsets.UTF_8);
                return Arrays.stream(list.split(",")).map(String::trim).filter(t -> !t.isEmpty())
                        .collect(Collectors.toUnmodifiableSet());
            }
        }
        return null;
    }

    /** Clients connected now. */
    public int subscribers() {
        return subscribers.size();
    }

    /** Clients dropped so far because their buffer filled up. */
    public long droppedSlowSubscribers() {
        return droppedSlow.get();
    }

    /** Disconnects every client and refuses new ones. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        for (Subscriber s : subscribers) {
            s.thread.interrupt();
        }
        for (Subscriber s : subscribers) {
            try {
                s.thread.join(TimeUnit.SECONDS.toMillis(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** One client: its queue, and the thread that writes it out. */
    private final class Subscriber implements Runnable {
        private final HttpExchange exchange;
        private final Set<String> types;
        private final ArrayBlockingQueue<String> queue = new ArrayBlockingQueue<>(options.bufferEvents());
        private final Thread thread;
        private final AtomicBoolean dropped = new AtomicBoolean();
        private volatile boolean overflowed;

        Subscriber(HttpExchange exchange, Set<String> types) {
            this.exchange = exchange;
            this.types = types;
            this.thread = new Thread(this, "ostraka-events-" + nextSubscriberId.incrementAndGet());
            thread.setDaemon(true);
        }

        boolean wants(String eventName) {
            return types == null || types.contains(eventName);
        }

        /** Never blocks: a full queue drops the subscriber instead. */
        void offer(String frame) {
            if (!overflowed && !queue.offer(frame) && dropped.compareAndSet(false, true)) {
                overflowed = true;
                droppedSlow.incrementAndGet();
                thread.interrupt();
            }
        }

        @Override
        public void run() {
            String why = "closed";
            try {
                exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
                exchange.getResponseHeaders().set("Cache-Control", "no-cache");
                exchange.getResponseHeaders().set("X-Accel-Buffering", "no");
                exchange.sendResponseHeaders(200, 0);
                OutputStream out = exchange.getResponseBody();
                write(out, ": ostraka events\n\n");
                long keepAliveNanos = options.keepAlive().toNanos();
                while (!closed && !overflowed) {
                    String frame = queue.poll(keepAliveNanos, TimeUnit.NANOSECONDS);
                    if (frame == null) {
                        write(out, ": keep-alive\n\n");
                        continue;
                    }
                    StringBuilder batch = new StringBuilder(frame);
                    for (String more = queue.poll(); more != null; more = queue.poll()) {
                        batch.append(more);
                    }
                    write(out, batch.toString());
                }
                why = overflowed ? "too slow" : "server closing";
            } catch (InterruptedException e) {
                why = overflowed ? "too slow" : "server closing";
            } catch (IOException e) {
                why = "disconnected (" + e.getMessage() + ")";
            } finally {
                subscribers.remove(this);
                if (overflowed || closed) {
                    // Any write left (the final chunk) must not wait for a client that stopped
                    // reading: with the interrupt flag set it closes the channel instead.
                    Thread.currentThread().interrupt();
                }
                exchange.close();
                log.debug("event subscriber {} left: {}", thread.getName(), why);
            }
        }

        private void write(OutputStream out, String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }
}
