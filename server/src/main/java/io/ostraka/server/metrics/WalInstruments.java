package io.ostraka.server.metrics;

import io.ostraka.log.WalObserver;
import io.ostraka.node.Clock;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Times the log engine's fsyncs. The engine calls {@link #syncStarted} and {@link #syncFinished}
 * in pairs on its single writer thread, so the start time needs no synchronization.
 */
final class WalInstruments implements WalObserver {
    private final Clock clock;
    private final Histogram fsyncSeconds;
    private final Histogram batchRecords;
    private final Counter writtenBytes;
    // Written and read by the log's writer thread only.
    private long startedNanos;

    WalInstruments(PrometheusRegistry registry, Clock clock) {
        this.clock = clock;
        fsyncSeconds = Histogram.builder().name("wal_fsync_seconds")
                .help("Duration of the log engine's fsyncs (one per group-commit write).")
                .classicOnly().classicUpperBounds(Buckets.LATENCY_SECONDS).withoutExemplars().register(registry);
        batchRecords = Histogram.builder().name("wal_batch_records")
                .help("Records (entry batches, hard states, snapshot marks, from all groups) per group-commit write.")
                .classicOnly().classicUpperBounds(Buckets.RECORDS).withoutExemplars().register(registry);
        writtenBytes = Counter.builder().name("wal_written_bytes_total")
                .help("Bytes written to the log's segment files.").withoutExemplars().register(registry);
    }

    @Override
    public void syncStarted(int records, long bytes) {
        startedNanos = clock.nanoTime();
    }

    @Override
    public void syncFinished(int records, long bytes) {
        fsyncSeconds.observe((clock.nanoTime() - startedNanos) / 1e9);
        batchRecords.observe(records);
        writtenBytes.inc(bytes);
    }
}
