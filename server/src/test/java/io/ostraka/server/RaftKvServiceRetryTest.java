package io.ostraka.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ostraka.kv.KvCommand;
import io.ostraka.kv.KvConfig;
import io.ostraka.kv.KvStateMachine;
import io.ostraka.kv.KvStatus;
import io.ostraka.node.Clock;
import io.ostraka.node.ErrorCode;
import io.ostraka.node.MemberInfo;
import io.ostraka.node.OstrakaException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The service retries a session write on its own (TIMEOUT, NOT_LEADER, NO_QUORUM), so one call can
 * be several proposals. When the first applied but its answer was lost, and the session was then
 * evicted, the retry finds the session gone: that SESSION_EXPIRED must reach the front ends as
 * "outcome unknown", not as "nothing was applied", or they resend in a new session and the write
 * applies twice (found by review).
 */
class RaftKvServiceRetryTest {
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final RaftKvService service = new RaftKvService(1, null, null, scheduler, Clock.SYSTEM, Duration.ofSeconds(10),
            Duration.ofMillis(4), new MemberInfo(1, Map.of(MemberInfo.PEER, "127.0.0.1:1")));
    private final KvStateMachine kv = KvStateMachine.inMemory(new KvConfig(1_000_000, 1));
    private long index;

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private CompletableFuture<KvService.Result> apply(KvCommand command) {
        index++;
        return CompletableFuture.completedFuture(new KvService.Result(kv.apply(index, command), index));
    }

    @Test
    void sessionExpiredOnARetryIsAnUnknownOutcome() {
        long session = kv.apply(++index, KvCommand.openSession()).integer();
        AtomicInteger proposals = new AtomicInteger();
        KvCommand incr = KvCommand.increment(new byte[] {'n'}).withSession(session, 1);
        CompletableFuture<KvService.Result> result = service.write(incr, c -> {
            if (proposals.incrementAndGet() == 1) {
                apply(c);                          // applied...
                apply(KvCommand.openSession());    // ...another client's opening evicts the session (sessionsMax 1)...
                return CompletableFuture.failedFuture(new OstrakaException(ErrorCode.TIMEOUT, "answer lost"));
            }
            return apply(c);                       // ...and the retry finds it gone
        });
        assertThatThrownBy(result::join).isInstanceOf(CompletionException.class)
                .satisfies(e -> {
                    OstrakaException cause = (OstrakaException) e.getCause();
                    assertThat(cause.code()).isEqualTo(ErrorCode.TIMEOUT);
                    assertThat(cause.getMessage()).contains("outcome is unknown");
                });
        assertThat(proposals.get()).isEqualTo(2);
        assertThat(new String(kv.get(new byte[] {'n'}).value())).isEqualTo("1");
    }

    @Test
    void sessionExpiredOnTheOnlyAttemptStaysSessionExpired() {
        KvCommand incr = KvCommand.increment(new byte[] {'n'}).withSession(77, 1);
        KvService.Result result = service.write(incr, this::apply).join();
        assertThat(result.result().status()).isEqualTo(KvStatus.SESSION_EXPIRED);
        assertThat(kv.get(new byte[] {'n'}).status()).isEqualTo(KvStatus.NOT_FOUND);
    }

    @Test
    void anUnexpectedFailureOfAWriteWithoutASessionIsAnUnknownOutcomeNotRetried() {
        AtomicInteger proposals = new AtomicInteger();
        KvCommand incr = KvCommand.increment(new byte[] {'n'});
        CompletableFuture<KvService.Result> result = service.write(incr, c -> {
            proposals.incrementAndGet();
            apply(c); // applied, then something unexpected broke the answer
            return CompletableFuture.failedFuture(new IllegalStateException("boom"));
        });
        assertThatThrownBy(result::join).isInstanceOf(CompletionException.class)
                .satisfies(e -> {
                    OstrakaException cause = (OstrakaException) e.getCause();
                    assertThat(cause.code()).isEqualTo(ErrorCode.TIMEOUT);
                    assertThat(cause.getMessage()).startsWith("outcome unknown").contains("boom");
                });
        assertThat(proposals.get()).as("retried as if it had not happened").isEqualTo(1);
        assertThat(new String(kv.get(new byte[] {'n'}).value())).isEqualTo("1");
    }
}
