package io.ostraka.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.ostraka.api.kv.v1.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

class WriteSessionTest {
    /** Opens sessions 100, 101, ... at once and counts the openings. */
    private final AtomicLong nextId = new AtomicLong(100);
    private final AtomicInteger openings = new AtomicInteger();
    private final Supplier<CompletableFuture<Long>> open = () -> {
        openings.incrementAndGet();
        return CompletableFuture.completedFuture(nextId.getAndIncrement());
    };

    @Test
    void writesRunOneAtATimeInCallOrderWithConsecutiveSequencesInOneOpenedSession() {
        WriteSession session = new WriteSession();
        assertThat(session.sessionId()).isZero();
        List<CompletableFuture<Long>> attempts = new ArrayList<>();
        List<Session> sessions = new ArrayList<>();
        List<CompletableFuture<Long>> results = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            results.add(session.submit(s -> {
                sessions.add(s);
                CompletableFuture<Long> attempt = new CompletableFuture<>();
                attempts.add(attempt);
                return attempt;
            }, open));
        }
        assertThat(attempts).hasSize(1); // the second waits for the first
        attempts.get(0).complete(10L);
        assertThat(attempts).hasSize(2);
        attempts.get(1).complete(20L);
        attempts.get(2).complete(30L);
        assertThat(sessions).extracting(Session::getSequence).containsExactly(1L, 2L, 3L);
        assertThat(sessions).extracting(Session::getId).containsOnly(100L);
        assertThat(openings.get()).isEqualTo(1);
        assertThat(results).extracting(CompletableFuture::join).containsExactly(10L, 20L, 30L);
    }

    @Test
    void aFailedOpeningFailsTheWriteWithoutSendingItAndTheNextWriteOpensAgain() {
        WriteSession session = new WriteSession();
        AtomicInteger sent = new AtomicInteger();
        CompletableFuture<Long> first = session.submit(s -> {
            sent.incrementAndGet();
            return CompletableFuture.completedFuture(1L);
        }, () -> CompletableFuture.failedFuture(new OstrakaClientException(ErrorCode.TIMEOUT, "no leader")));
        Assertions.assertThatThrownBy(first::join).isInstanceOf(CompletionException.class)
                .hasRootCauseMessage("no leader");
        assertThat(sent.get()).isZero();

        CompletableFuture<Long> second = session.submit(s -> CompletableFuture.completedFuture(s.getId()), open);
        assertThat(second.join()).isEqualTo(100L);
    }

    @Test
    void anExpiredSessionOnTheFirstAttemptIsReopenedAndTheWriteResentOnce() {
        WriteSession session = new WriteSession();
        List<Session> sessions = new ArrayList<>();
        CompletableFuture<String> result = session.submit(s -> {
            sessions.add(s);
            return sessions.size() == 1
                    ? CompletableFuture.failedFuture(new OstrakaClientException(ErrorCode.SESSION_EXPIRED, "forgotten"))
                    : CompletableFuture.completedFuture("applied");
        }, open);
        assertThat(result.join()).isEqualTo("applied");
        assertThat(sessions).extracting(Session::getId).containsExactly(100L, 101L);
        assertThat(sessions).extracting(Session::getSequence).containsExactly(1L, 1L);
    }

    /** After retries an earlier attempt may have applied: the caller must hear of it. */
    @Test
    void anExpiredSessionAfterRetriesIsReportedAndTheNextWriteOpensANewSession() {
        WriteSession session = new WriteSession();
        CompletableFuture<String> result = session.submit(s -> CompletableFuture.failedFuture(
                new OstrakaClientException(ErrorCode.SESSION_EXPIRED, "forgotten").withAttempts(3)), open);
        Assertions.assertThatThrownBy(result::join).hasRootCauseMessage("forgotten");
        assertThat(session.sessionId()).isZero();
        assertThat(session.submit(s -> CompletableFuture.completedFuture(s.getId()), open).join()).isEqualTo(101L);
    }

    /**
     * A closed client fails every attempt on the spot, so each queued write completes inside the
     * completion of the one before: 20,000 of them must not nest 20,000 deep.
     */
    @Test
    void thousandsOfQueuedWritesThatFailAtOnceAllComplete() {
        WriteSession session = new WriteSession();
        CompletableFuture<Long> first = new CompletableFuture<>();
        AtomicInteger started = new AtomicInteger();
        List<CompletableFuture<Long>> results = new ArrayList<>();
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            results.add(session.submit(s -> started.getAndIncrement() == 0 ? first
                    : CompletableFuture.failedFuture(new IllegalStateException("client closed")), open));
        }
        first.completeExceptionally(new IllegalStateException("client closed"));
        assertThat(started.get()).isEqualTo(n);
        assertThat(results).allMatch(CompletableFuture::isCompletedExceptionally);
        assertThat(session.lastSequence()).isEqualTo(n);
    }

    /** The same when the opening itself fails at once for every queued write. */
    @Test
    void thousandsOfQueuedWritesWhoseOpeningFailsAtOnceAllComplete() {
        WriteSession session = new WriteSession();
        CompletableFuture<Long> firstOpening = new CompletableFuture<>();
        AtomicInteger opened = new AtomicInteger();
        List<CompletableFuture<Long>> results = new ArrayList<>();
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            results.add(session.submit(s -> CompletableFuture.completedFuture(1L), () -> opened.getAndIncrement() == 0
                    ? firstOpening : CompletableFuture.failedFuture(new IllegalStateException("client closed"))));
        }
        firstOpening.completeExceptionally(new IllegalStateException("client closed"));
        assertThat(opened.get()).isEqualTo(n);
        assertThat(results).allMatch(CompletableFuture::isCompletedExceptionally);
    }
}
