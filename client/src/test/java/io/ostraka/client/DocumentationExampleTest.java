package io.ostraka.client;

import static io.ostraka.client.OstrakaClient.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.ostraka.server.grpc.GrpcServer;
import io.ostraka.server.grpc.LocalKvService;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Proves the example in docs/client.md compiles and does what the page says. */
class DocumentationExampleTest {
    @Test
    void theDocumentedExampleWorks() throws IOException, InterruptedException {
        ExecutorService myExecutor = Executors.newSingleThreadExecutor();
        try (GrpcServer server = TestServers.start(new LocalKvService());
             OstrakaClient client = OstrakaClient.builder()
                     .endpoints(TestServers.address(server))
                     .requestTimeout(Duration.ofSeconds(10))
                     .build()) {
            WriteResult w = client.put("config/mode", "active");
            Optional<KeyValue> kv = client.get("config/mode");
            CasResult cas = client.compareAndSet(utf8("lock"), 0, utf8("owner-a"));
            IncrementResult n = client.increment("hits", 1);
            ScanResult page = client.scan(utf8("config/"), utf8("config0"), 100);
            long keys = client.count(new byte[0], null);
            BatchResult b = client.batch(Op.put(utf8("a"), utf8("1")), Op.increment(utf8("b"), 1));
            Optional<KeyValue> fast = client.get(utf8("config/mode"), ReadOptions.of(Consistency.STALE));
            ClusterStatus status = client.status();
            long index = client.async().put(utf8("k"), utf8("v"))
                    .thenApplyAsync(WriteResult::index, myExecutor).join();

            assertThat(w.version()).isEqualTo(1);
            assertThat(kv.orElseThrow().valueUtf8()).isEqualTo("active");
            assertThat(cas.succeeded()).isTrue();
            assertThat(n.value()).isEqualTo(1);
            assertThat(page.entries()).extracting(KeyValue::keyUtf8).containsExactly("config/mode");
            assertThat(keys).isEqualTo(3);
            assertThat(b.succeeded()).isTrue();
            assertThat(fast).isPresent();
            assertThat(status.role()).isEqualTo("leader");
            assertThat(index).isEqualTo(6); // the session's opening and five writes
        } finally {
            myExecutor.shutdown();
            assertThat(myExecutor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        }
    }
}
