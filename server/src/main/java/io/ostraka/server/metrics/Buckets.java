package io.ostraka.server.metrics;

/** Histogram bucket bounds shared by the instruments. */
final class Buckets {
    private Buckets() {}

    /** 100 µs to 10 s: fsyncs and commits on fast disks sit at the low end, stalls at the top. */
    static final double[] LATENCY_SECONDS = {
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    /** 1 ms to 2 min: a snapshot writes the whole state machine. */
    static final double[] SNAPSHOT_SECONDS = {0.001, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 120};

    /** Records per group-commit write: 1 when idle, hundreds under load. */
    static final double[] RECORDS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096};
}
