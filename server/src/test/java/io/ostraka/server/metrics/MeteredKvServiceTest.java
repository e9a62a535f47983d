package io.ostraka.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ostraka.kv.KvCommand;
import io.ostraka.kv.KvOp;
import io.ostraka.kv.ReadConsistency;
import io.ostraka.node.Clock;
import io.ostraka.node.ErrorCode;
import io.ostraka.node.OstrakaException;
import io.ostraka.server.grpc.LocalKvService;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Every request through {@link MeteredKvService} is counted once under its operation and its
 * outcome — {@code ok} or the error code in lower case — and timed with the injected clock.
 */
class MeteredKvServiceTest {
    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static PrometheusText scrape(ServerMetrics metrics) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        metrics.writeTo(out);
        return PrometheusText.parse(out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void countsEachRequestByOperationAndOutcomeAndTimesIt() throws Exception {
        AtomicLong now = new AtomicLong();
        Clock clock = () -> now.getAndAdd(2_000_000); // every reading 2 ms after the last
        ServerMetrics metrics = new ServerMetrics(clock);
        LocalKvService store = new LocalKvService();
        MeteredKvService kv = new MeteredKvService(store, metrics, clock);

        kv.write(KvCommand.put(utf8("k"), utf8("v"))).get(5, TimeUnit.SECONDS);
        kv.write(KvCommand.put(utf8("k"), utf8("w"))).get(5, TimeUnit.SECONDS);
        kv.read(new KvOp.Get(utf8("k")), ReadConsistency.LINEARIZABLE, 0).get(5, TimeUnit.SECONDS);
        store.failNext(new OstrakaException(ErrorCode.TIMEOUT, "slow"));
        assertThatThrownBy(() -> kv.write(KvCommand.put(utf8("k"), utf8("x"))).get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class);
        store.failNext(new OstrakaException(ErrorCode.NOT_LEADER, "elsewhere"));
        assertThatThrownBy(() -> kv.read(new KvOp.Get(utf8("k")), ReadConsistency.LINEARIZABLE, 0).get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class);

        PrometheusText m = scrape(metrics);
        assertThat(m.value("kv_requests_total", "op", "put", "result", "ok")).isEqualTo(2);
        assertThat(m.value("kv_requests_total", "op", "put", "result", "timeout")).isEqualTo(1);
        assertThat(m.value("kv_requests_total", "op", "get", "result", "ok")).isEqualTo(1);
        assertThat(m.value("kv_requests_total", "op", "get", "result", "not_leader")).isEqualTo(1);
        assertThat(m.value("kv_requests_total", "op", "delete", "result", "ok")).as("every op starts at zero").isZero();
        assertThat(m.value("kv_request_seconds_count", "op", "put")).isEqualTo(3);
        assertThat(m.value("kv_request_seconds_sum", "op", "put")).as("2 ms each, by the injected clock").isCloseTo(0.006, within(1e-9));
        assertThat(m.value("kv_request_seconds_bucket", "op", "put", "le", "0.001")).isZero();
        assertThat(m.value("kv_request_seconds_bucket", "op", "put", "le", "0.0025")).isEqualTo(3);
    }
}
