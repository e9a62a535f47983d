package io.ostraka.node;

/**
 * Monotonic time for the runtime, injectable so tests and simulations can drive it. The
 * system implementation is the only place in the runtime that reads the machine's clock.
 */
public interface Clock {
    /** Monotonic nanoseconds; only differences are meaningful. */
    long nanoTime();

    /** Wall-clock milliseconds since the epoch, to stamp what people read (events); never for timing. */
    default long wallMillis() {
        return System.currentTimeMillis();
    }

    Clock SYSTEM = System::nanoTime;
}
