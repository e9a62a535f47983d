package io.ostraka.server.metrics;

import io.ostraka.kv.OpCode;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Locale;

/** Requests to the KV store by operation and outcome, counted once where every front end meets. */
final class KvInstruments {
    private final Counter requests;
    private final Histogram requestSeconds;

    KvInstruments(PrometheusRegistry registry) {
        requests = Counter.builder().name("kv_requests_total")
                .help("KV requests (RESP, gRPC, HTTP) by operation and result: ok, or the error code in lower case.")
                .labelNames("op", "result").withoutExemplars().register(registry);
        requestSeconds = Histogram.builder().name("kv_request_seconds")
                .help("Time from a KV request reaching the store to its answer, retries at the leader included.")
                .labelNames("op").classicOnly().classicUpperBounds(Buckets.LATENCY_SECONDS).withoutExemplars()
                .register(registry);
        // Every operation's series exist from the start (at zero), so rates work from the first scrape.
        for (OpCode op : OpCode.values()) {
            if (!op.isReserved()) {
                String name = op.name().toLowerCase(Locale.ROOT);
                requests.initLabelValues(name, "ok");
                requestSeconds.initLabelValues(name);
            }
        }
    }

    void record(String op, String result, long nanos) {
        requests.labelValues(op, result).inc();
        requestSeconds.labelValues(op).observe(nanos / 1e9);
    }
}
