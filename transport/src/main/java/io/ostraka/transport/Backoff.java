package io.ostraka.transport;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Reconnect delays: exponential from {@code base}, capped at {@code max}, with "equal jitter"
 * (a delay d becomes uniform in [d/2, d]) so peers that lost the same node do not reconnect in
 * lock step, yet never retry sooner than half the nominal delay. The random source is injected
 * (seeded in tests) and shared by all peers of a transport, hence synchronized.
 */
public final class Backoff {
    private final long baseMillis;
    private final long maxMillis;
    private final RandomGenerator random;

    public Backoff(Duration base, Duration max, RandomGenerator random) {
        this.baseMillis = base.toMillis();
        this.maxMillis = max.toMillis();
        this.random = random;
        if (baseMillis <= 0 || maxMillis < baseMillis) {
            throw new IllegalArgumentException("backoff base " + base + " / max " + max + ": need 0 < base <= max");
        }
    }

    /** The nominal (jitter-free) delay before attempt {@code failures} (1 = after the first failure). */
    public long nominalMillis(int failures) {
        int shift = Math.min(Math.max(failures - 1, 0), 30);
        return Math.min(maxMillis, baseMillis << shift);
    }

    /** The delay to wait after {@code failures} consecutive failures, jittered. */
    public long delayMillis(int failures) {
        long nominal = nominalMillis(failures);
        long half = nominal / 2;
        synchronized (random) {
            return half + random.nextLong(nominal - half + 1);
        }
    }
}
