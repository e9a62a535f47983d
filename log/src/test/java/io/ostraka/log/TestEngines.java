package io.ostraka.log;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Shared settings for engine tests: small segments so rolling and purging happen quickly. */
final class TestEngines {
    static final long SMALL_SEGMENT_BYTES = 64 * 1024;

    private TestEngines() {}

    static LogEngineConfig small(Path directory) {
        return LogEngineConfig.defaults(directory).withSegmentBytesMax(SMALL_SEGMENT_BYTES);
    }

    /** Polls {@code condition} until it holds or the deadline passes (no fixed sleeps: returns as soon as it holds). */
    static void awaitTrue(BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            // Park briefly rather than spin: the crash test's child JVM needs the CPU.
            LockSupport.parkNanos(200_000);
        }
    }
}
