package io.ostraka.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WriteSessionTest {
    @Test
    void writesRunOneAtATimeInCallOrderWithConsecutiveSequences() {
        WriteSession session = new WriteSession(new SplittableRandom(1));
        List<CompletableFuture<Long>> attempts = new ArrayList<>();
        List<Long> sequences = new ArrayList<>();
        List<CompletableFuture<Long>> results = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            results.add(session.submit(s -> {
                sequences.add(s.getSequence());
                CompletableFuture<Long> attempt = new CompletableFuture<>();
                attempts.add(attempt);
                return attempt;
            }));
        }
        assertThat(attempts).hasSize(1); // the second waits for the first
        attempts.get(0).complete(10L);
        assertThat(attempts).hasSize(2);
        attempts.get(1).complete(20L);
        attempts.get(2).complete(30L);
        assertThat(sequences).containsExactly(1L, 2L, 3L);
        assertThat(results).extracting(CompletableFuture::join).containsExactly(10L, 20L, 30L);
    }

    /**
     * A closed client fails every attempt on the spot, so each queued write completes inside the
     * completion of the one before: 20,000 of them must not nest 20,000 deep.
     */
    @Test
    void thousandsOfQueuedWritesThatFailAtOnceAllComplete() {
        WriteSession session = new WriteSession(new SplittableRandom(1));
        CompletableFuture<Long> first = new CompletableFuture<>();
        AtomicInteger started = new AtomicInteger();
        List<CompletableFuture<Long>> results = new ArrayList<>();
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            results.add(session.submit(s -> started.getAndIncrement() == 0 ? first
                    : CompletableFuture.failedFuture(new IllegalStateException("client closed"))));
        }
        first.completeExceptionally(new IllegalStateException("client closed"));
        assertThat(started.get()).isEqualTo(n);
        assertThat(results).allMatch(CompletableFuture::isCompletedExceptionally);
        assertThat(session.lastSequence()).isEqualTo(n);
    }
}
