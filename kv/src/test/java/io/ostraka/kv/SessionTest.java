package io.ostraka.kv;

import static io.ostraka.kv.TestBytes.b;
import static io.ostraka.kv.TestBytes.s;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Proves exactly-once sessions: a retried (session, sequence) returns the first result without
 * applying again; an older sequence is STALE_SEQUENCE; an unknown session opens only at sequence 1
 * (SESSION_EXPIRED otherwise); sessions expire after N idle indexes and beyond sessionsMax, both
 * decided by log indexes alone.
 */
class SessionTest {
    private static final long SESSION = 77;

    @Test
    void retryReturnsTheRememberedResultWithoutApplyingAgain() {
        KvFixture kv = new KvFixture();
        KvCommand incr = KvCommand.increment(b("n")).withSession(SESSION, 1);
        byte[] first = kv.machine.apply(1, incr.encode());
        byte[] retry = kv.machine.apply(2, incr.encode());

        assertThat(retry).isEqualTo(first);
        assertThat(KvResult.decode(first).integer()).isEqualTo(1);
        assertThat(s(kv.machine.get(b("n")).value())).isEqualTo("1");
        assertThat(kv.machine.get(b("n")).version()).isEqualTo(1);
        assertThat(kv.machine.lastSequence(SESSION)).isEqualTo(1);
    }

    @Test
    void failedResultsAreRememberedToo() {
        KvFixture kv = new KvFixture();
        kv.apply(KvCommand.put(b("k"), b("v")));
        KvCommand nx = KvCommand.putIfAbsent(b("k"), b("w")).withSession(SESSION, 1);
        KvResult first = kv.apply(nx);
        kv.apply(KvCommand.delete(b("k")));
        KvResult retry = kv.apply(nx);

        assertThat(first.status()).isEqualTo(KvStatus.CONDITION_FAILED);
        assertThat(retry).isEqualTo(first);
        assertThat(kv.machine.get(b("k")).status()).isEqualTo(KvStatus.NOT_FOUND);
    }

    @Test
    void higherSequencesApplyAndOlderOnesAreStale() {
        KvFixture kv = new KvFixture();
        kv.apply(KvCommand.increment(b("n")).withSession(SESSION, 1));
        kv.apply(KvCommand.increment(b("n")).withSession(SESSION, 2));
        KvResult gap = kv.apply(KvCommand.increment(b("n")).withSession(SESSION, 5));
        assertThat(gap.integer()).isEqualTo(3);

        KvResult stale = kv.apply(KvCommand.increment(b("n")).withSession(SESSION, 4));
        assertThat(stale.status()).isEqualTo(KvStatus.STALE_SEQUENCE);
        assertThat(stale.reason()).contains("sequence 4 is older than the last applied sequence 5");
        assertThat(s(kv.machine.get(b("n")).value())).isEqualTo("3");
        assertThat(kv.machine.lastSequence(SESSION)).isEqualTo(5);
    }

    @Test
    void unknownSessionOpensOnlyAtSequenceOne() {
        KvFixture kv = new KvFixture();
        KvResult expired = kv.apply(KvCommand.increment(b("n")).withSession(SESSION, 2));
        assertThat(expired.status()).isEqualTo(KvStatus.SESSION_EXPIRED);
        assertThat(expired.reason()).contains("start a new session");
        assertThat(kv.machine.size()).isZero();
        assertThat(kv.machine.sessionCount()).isZero();

        assertThat(kv.apply(KvCommand.increment(b("n")).withSession(SESSION, 1)).isOk()).isTrue();
        assertThat(kv.machine.sessionCount()).isEqualTo(1);
    }

    @Test
    void idleSessionsExpireAfterTheConfiguredNumberOfIndexes() {
        KvFixture kv = new KvFixture(new KvConfig(10, 100));
        kv.apply(KvCommand.increment(b("n")).withSession(SESSION, 1)); // index 1
        kv.skipIndexes(9);
        // Index 11: idle for exactly 10 indexes, still remembered; the retry is deduplicated.
        KvResult retry = kv.apply(KvCommand.increment(b("n")).withSession(SESSION, 1));
        assertThat(retry.integer()).isEqualTo(1);
        assertThat(kv.machine.sessionCount()).isEqualTo(1);

        kv.skipIndexes(10);
        // Index 22: last active at 11, idle for 11 > 10 indexes: dropped before this command runs.
        KvResult next = kv.apply(KvCommand.increment(b("n")).withSession(SESSION, 2));
        assertThat(next.status()).isEqualTo(KvStatus.SESSION_EXPIRED);
        assertThat(kv.machine.sessionCount()).isZero();
        assertThat(s(kv.machine.get(b("n")).value())).isEqualTo("1");
    }

    @Test
    void commandsWithoutASessionAlsoAdvanceExpiry() {
        KvFixture kv = new KvFixture(new KvConfig(2, 100));
        kv.apply(KvCommand.put(b("a"), b("1")).withSession(SESSION, 1));
        kv.apply(KvCommand.put(b("a"), b("2")));
        kv.apply(KvCommand.put(b("a"), b("3")));
        assertThat(kv.machine.sessionCount()).isEqualTo(1);
        kv.apply(KvCommand.put(b("a"), b("4")));
        assertThat(kv.machine.sessionCount()).isZero();
    }

    @Test
    void beyondSessionsMaxTheLeastRecentlyActiveIsDropped() {
        KvFixture kv = new KvFixture(new KvConfig(1_000, 2));
        kv.apply(KvCommand.increment(b("x")).withSession(1, 1));
        kv.apply(KvCommand.increment(b("x")).withSession(2, 1));
        kv.apply(KvCommand.increment(b("x")).withSession(1, 2)); // session 1 is now the most recent
        kv.apply(KvCommand.increment(b("x")).withSession(3, 1)); // evicts session 2

        assertThat(kv.machine.sessionCount()).isEqualTo(2);
        assertThat(kv.machine.lastSequence(1)).isEqualTo(2);
        assertThat(kv.machine.lastSequence(2)).isZero();
        assertThat(kv.machine.lastSequence(3)).isEqualTo(1);
        assertThat(kv.apply(KvCommand.increment(b("x")).withSession(2, 2)).status())
                .isEqualTo(KvStatus.SESSION_EXPIRED);
    }

    @Test
    void undecodableCommandsTouchNoSession() {
        KvFixture kv = new KvFixture();
        kv.apply(KvCommand.increment(b("n")).withSession(SESSION, 1));
        KvResult garbage = KvResult.decode(kv.machine.apply(2, new byte[] {1, 77, 2, 99}));
        assertThat(garbage.status()).isEqualTo(KvStatus.INVALID_REQUEST);
        assertThat(kv.machine.lastSequence(SESSION)).isEqualTo(1);
    }
}
