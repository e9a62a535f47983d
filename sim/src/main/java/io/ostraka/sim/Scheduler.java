package io.ostraka.sim;

import java.util.ArrayDeque;
import java.util.PriorityQueue;

/**
 * A single-threaded discrete-event scheduler over simulated time. Events at the same time run
 * in the order they were scheduled, so a run depends on nothing but its seed.
 *
 * <p>Every executed event leaves a line in the trace: the last {@link #TRACE_TAIL} are kept for
 * failure reports, all of them can be echoed for {@code --replay}, and all of them feed a
 * 64-bit digest that two runs of one seed must agree on.
 */
final class Scheduler {
    static final int TRACE_TAIL = 60;

    private record Event(long atMicros, long sequence, String label, Runnable action) {}

    private final PriorityQueue<Event> queue = new PriorityQueue<>((a, b) -> a.atMicros != b.atMicros
            ? Long.compare(a.atMicros, b.atMicros) : Long.compare(a.sequence, b.sequence));
    private final ArrayDeque<String> tail = new ArrayDeque<>();
    private final java.io.PrintStream echo;
    private long nowMicros;
    private long sequence;
    private long executed;
    private long digest = 0xcbf29ce484222325L;

    Scheduler(java.io.PrintStream echo) {
        this.echo = echo;
    }

    long now() {
        return nowMicros;
    }

    long executed() {
        return executed;
    }

    void at(long atMicros, String label, Runnable action) {
        queue.add(new Event(Math.max(atMicros, nowMicros), sequence++, label, action));
    }

    void after(long delayMicros, String label, Runnable action) {
        at(nowMicros + delayMicros, label, action);
    }

    /** Runs events until the queue is empty or the next one is after {@code untilMicros}. */
    void runUntil(long untilMicros, Runnable afterEach) {
        while (!queue.isEmpty() && queue.peek().atMicros <= untilMicros) {
            Event e = queue.poll();
            nowMicros = e.atMicros;
            executed++;
            note(e.label);
            e.action.run();
            afterEach.run();
        }
        nowMicros = Math.max(nowMicros, untilMicros);
    }

    /** Adds a line to the trace (events, and what they caused that matters). */
    void note(String line) {
        String stamped = nowMicros + " " + line;
        for (int i = 0; i < stamped.length(); i++) {
            digest ^= stamped.charAt(i);
            digest *= 0x100000001b3L;
        }
        if (echo != null) {
            echo.println(stamped);
        }
        tail.addLast(stamped);
        if (tail.size() > TRACE_TAIL) {
            tail.removeFirst();
        }
    }

    long digest() {
        return digest;
    }

    String tail() {
        return String.join("\n", tail);
    }
}
