package io.ostraka.client;

import io.ostraka.server.KvService;
import io.ostraka.server.grpc.GrpcServer;
import java.io.IOException;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Test fixtures: gRPC servers on ephemeral loopback ports, and clients with short, seeded backoff. */
final class TestServers {
    // Each client its own seed: two clients with one seed would share a session id.
    private static final AtomicLong SEEDS = new AtomicLong();

    private TestServers() {}

    static GrpcServer start(KvService service) throws IOException {
        return GrpcServer.start(service, GrpcServer.Options.DEFAULT.withHost("127.0.0.1").withPort(0)
                .withShutdownGrace(Duration.ofSeconds(1)));
    }

    static String address(GrpcServer server) {
        return "127.0.0.1:" + server.port();
    }

    static OstrakaClient.Builder client(String... endpoints) {
        return OstrakaClient.builder().endpoints(endpoints).requestTimeout(Duration.ofSeconds(20))
                .backoff(Duration.ofMillis(5), Duration.ofMillis(50)).random(new SplittableRandom(SEEDS.incrementAndGet()));
    }

    /** Polls {@code condition} every millisecond until it holds; fails after 10 s. */
    static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}
