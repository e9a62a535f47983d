package io.ostraka.kv;

import static io.ostraka.kv.TestBytes.b;
import static io.ostraka.kv.TestBytes.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * Proves exactly-once sessions: OPEN_SESSION opens a session whose id is its log index; a retried
 * (session, sequence) returns the first result without applying again; an older sequence is
 * STALE_SEQUENCE; any command of an unknown or expired session is SESSION_EXPIRED and not applied,
 * even at sequence 1; sessions expire after N idle indexes and beyond sessionsMax, both decided by
 * log indexes alone; commands in the legacy format keep the rule they were written under.
 */
class SessionTest {
    @Test
    void openingGivesTheLogIndexAsTheIdSoIdsNeverRepeat() {
        KvFixture kv = new KvFixture();
        kv.apply(KvCommand.put(b("k"), b("v")));
        long first = kv.openSession();
        long second = kv.openSession();

        assertThat(first).isEqualTo(2);
        assertThat(second).isEqualTo(3);
        assertThat(kv.machine.sessionCount()).isEqualTo(2);
        assertThat(kv.machine.lastSequence(first)).isZero();
        assertThat(kv.apply(KvCommand.increment(b("n")).withSession(first, 1)).integer()).isEqualTo(1);
        assertThat(kv.apply(KvCommand.increment(b("n")).withSession(second, 1)).integer()).isEqualTo(2);
    }

    @Test
    void retryReturnsTheRememberedResultWithoutApplyingAgain() {
        KvFixture kv = new KvFixture();
        long session = kv.openSession();
        KvCommand incr = KvCommand.increment(b("n")).withSession(session, 1);
        byte[] first = kv.machine.apply(2, incr.encode());
        byte[] retry = kv.machine.apply(3, incr.encode());

        assertThat(retry).isEqualTo(first);
        assertThat(KvResult.decode(first).integer()).isEqualTo(1);
        assertThat(s(kv.machine.get(b("n")).value())).isEqualTo("1");
        assertThat(kv.machine.get(b("n")).version()).isEqualTo(1);
        assertThat(kv.machine.lastSequence(session)).isEqualTo(1);
    }

    @Test
    void failedResultsAreRememberedToo() {
        KvFixture kv = new KvFixture();
        long session = kv.openSession();
        kv.apply(KvCommand.put(b("k"), b("v")));
        KvCommand nx = KvCommand.putIfAbsent(b("k"), b("w")).withSession(session, 1);
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
        long session = kv.openSession();
        kv.apply(KvCommand.increment(b("n")).withSession(session, 1));
        kv.apply(KvCommand.increment(b("n")).withSession(session, 2));
        KvResult gap = kv.apply(KvCommand.increment(b("n")).withSession(session, 5));
        assertThat(gap.integer()).isEqualTo(3);

        KvResult stale = kv.apply(KvCommand.increment(b("n")).withSession(session, 4));
        assertThat(stale.status()).isEqualTo(KvStatus.STALE_SEQUENCE);
        assertThat(stale.reason()).contains("sequence 4 is older than the last applied sequence 5");
        assertThat(s(kv.machine.get(b("n")).value())).isEqualTo("3");
        assertThat(kv.machine.lastSequence(session)).isEqualTo(5);
    }

    @Test
    void anUnknownSessionIsRefusedAtEverySequence() {
        KvFixture kv = new KvFixture();
        for (long sequence : new long[] {1, 2}) {
            KvResult expired = kv.apply(KvCommand.increment(b("n")).withSession(77, sequence));
            assertThat(expired.status()).isEqualTo(KvStatus.SESSION_EXPIRED);
            assertThat(expired.reason()).contains("session 77 is unknown or expired", "open a new session");
        }
        assertThat(kv.machine.size()).isZero();
        assertThat(kv.machine.sessionCount()).isZero();
    }

    /**
     * The hole the old rule left: sequence 1 applied, its answer lost, the session evicted, and
     * the retry of sequence 1 reopening the session and applying a second time.
     */
    @Test
    void aRetriedFirstWriteAfterEvictionIsRefusedNotAppliedTwice() {
        KvFixture kv = new KvFixture(new KvConfig(1_000, 1));
        long session = kv.openSession();
        KvCommand incr = KvCommand.increment(b("n")).withSession(session, 1);
        assertThat(kv.apply(incr).integer()).isEqualTo(1);
        kv.openSession(); // another client: evicts the first session (sessionsMax 1)
        assertThat(kv.machine.lastSequence(session)).isZero();

        KvResult retry = kv.apply(incr);
        assertThat(retry.status()).isEqualTo(KvStatus.SESSION_EXPIRED);
        assertThat(s(kv.machine.get(b("n")).value())).isEqualTo("1");
    }

    /**
     * Remembered results are bounded in total, not only per result and in number: a few hundred
     * bytes of commands (a batch of four GETs of a 1 MiB value, per session) pinned 4 MiB each in
     * every replica's memory and snapshot. A result past the budget drops the least recently
     * active other sessions; their clients get SESSION_EXPIRED, never a second apply.
     */
    @Test
    void rememberedResultsStayWithinTheirByteBudgetByDroppingTheLeastRecentlyActive() {
        long budget = 3L * KvLimits.VALUE_BYTES_MAX + 1024;
        KvFixture kv = new KvFixture(new KvConfig(1_000_000, 100, budget));
        kv.apply(KvCommand.put(b("big"), new byte[KvLimits.VALUE_BYTES_MAX]));
        long[] ids = new long[8];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = kv.openSession();
            KvCommand read = KvCommand.batch(new KvOp.Get(b("big"))).withSession(ids[i], 1);
            assertThat(kv.apply(read).status()).isEqualTo(KvStatus.OK);
            assertThat(kv.machine.sessionResultBytes()).isLessThanOrEqualTo(budget);
        }
        // Three results of 1 MiB fit: the three most recent sessions are kept, the others dropped.
        assertThat(kv.machine.sessionCount()).isEqualTo(3);
        KvCommand oldest = KvCommand.increment(b("n")).withSession(ids[0], 2);
        assertThat(kv.apply(oldest).status()).isEqualTo(KvStatus.SESSION_EXPIRED);
        assertThat(kv.machine.get(b("n")).status()).isEqualTo(KvStatus.NOT_FOUND);
        KvResult newest = kv.apply(KvCommand.batch(new KvOp.Get(b("big"))).withSession(ids[7], 1));
        assertThat(newest.status()).as("a retry of a kept session's write is still answered").isEqualTo(KvStatus.OK);

        // A single result larger than the budget is still remembered: it drops every other session.
        KvFixture tight = new KvFixture(new KvConfig(1_000_000, 100, 1024));
        tight.apply(KvCommand.put(b("big"), new byte[4096]));
        long a = tight.openSession();
        long c = tight.openSession();
        tight.apply(KvCommand.increment(b("n")).withSession(a, 1));
        assertThat(tight.apply(KvCommand.batch(new KvOp.Get(b("big"))).withSession(c, 1)).status()).isEqualTo(KvStatus.OK);
        assertThat(tight.machine.sessionCount()).isEqualTo(1);
        assertThat(tight.machine.lastSequence(c)).isEqualTo(1);
    }

    @Test
    void idleSessionsExpireAfterTheConfiguredNumberOfIndexes() {
        KvFixture kv = new KvFixture(new KvConfig(10, 100));
        long session = kv.openSession(); // index 1
        kv.apply(KvCommand.increment(b("n")).withSession(session, 1)); // index 2
        kv.skipIndexes(9);
        // Index 12: idle for exactly 10 indexes, still remembered; the retry is deduplicated.
        KvResult retry = kv.apply(KvCommand.increment(b("n")).withSession(session, 1));
        assertThat(retry.integer()).isEqualTo(1);
        assertThat(kv.machine.sessionCount()).isEqualTo(1);

        kv.skipIndexes(10);
        // Index 23: last active at 12, idle for 11 > 10 indexes: dropped before this command runs.
        KvResult next = kv.apply(KvCommand.increment(b("n")).withSession(session, 2));
        assertThat(next.status()).isEqualTo(KvStatus.SESSION_EXPIRED);
        assertThat(kv.machine.sessionCount()).isZero();
        assertThat(s(kv.machine.get(b("n")).value())).isEqualTo("1");
    }

    @Test
    void anOpenedSessionThatNeverWritesExpiresToo() {
        KvFixture kv = new KvFixture(new KvConfig(2, 100));
        long session = kv.openSession(); // index 1
        kv.skipIndexes(2);
        KvResult late = kv.apply(KvCommand.increment(b("n")).withSession(session, 1)); // index 4
        assertThat(late.status()).isEqualTo(KvStatus.SESSION_EXPIRED);
        assertThat(kv.machine.size()).isZero();
    }

    @Test
    void commandsWithoutASessionAlsoAdvanceExpiry() {
        KvFixture kv = new KvFixture(new KvConfig(2, 100));
        long session = kv.openSession();
        kv.apply(KvCommand.put(b("a"), b("1")).withSession(session, 1));
        kv.apply(KvCommand.put(b("a"), b("2")));
        kv.apply(KvCommand.put(b("a"), b("3")));
        assertThat(kv.machine.sessionCount()).isEqualTo(1);
        kv.apply(KvCommand.put(b("a"), b("4")));
        assertThat(kv.machine.sessionCount()).isZero();
    }

    @Test
    void beyondSessionsMaxTheLeastRecentlyActiveIsDropped() {
        KvFixture kv = new KvFixture(new KvConfig(1_000, 2));
        long one = kv.openSession();
        long two = kv.openSession();
        kv.apply(KvCommand.increment(b("x")).withSession(two, 1));
        kv.apply(KvCommand.increment(b("x")).withSession(one, 1)); // session one is now the most recent
        long three = kv.openSession(); // evicts session two

        assertThat(kv.machine.sessionCount()).isEqualTo(2);
        assertThat(kv.machine.lastSequence(one)).isEqualTo(1);
        assertThat(kv.machine.lastSequence(two)).isZero();
        assertThat(kv.apply(KvCommand.increment(b("x")).withSession(three, 1)).integer()).isEqualTo(3);
        assertThat(kv.apply(KvCommand.increment(b("x")).withSession(two, 2)).status())
                .isEqualTo(KvStatus.SESSION_EXPIRED);
    }

    @Test
    void undecodableCommandsTouchNoSession() {
        KvFixture kv = new KvFixture();
        long session = kv.openSession();
        kv.apply(KvCommand.increment(b("n")).withSession(session, 1));
        KvResult garbage = KvResult.decode(kv.machine.apply(3, new byte[] {2, 77, 2, 99}));
        assertThat(garbage.status()).isEqualTo(KvStatus.INVALID_REQUEST);
        assertThat(kv.machine.lastSequence(session)).isEqualTo(1);
        assertThat(kv.machine.sessionCount()).isEqualTo(1);
    }

    @Test
    void openSessionBelongsToNoSessionAndNoBatch() {
        assertThatThrownBy(() -> KvCommand.openSession().withSession(5, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("OPEN_SESSION");
        // version 2, session 5, sequence 1, OPEN_SESSION
        KvCommand.Decoded inSession = KvCommand.decode(new byte[] {2, 5, 1, 0x0B});
        assertThat(inSession.error()).contains("OPEN_SESSION cannot belong to session 5");
        // version 2, no session, BATCH of 1: OPEN_SESSION
        KvCommand.Decoded inBatch = KvCommand.decode(new byte[] {2, 0, 0x08, 1, 0x0B});
        assertThat(inBatch.error()).contains("OPEN_SESSION is not allowed inside a batch");
        assertThat(KvCommand.decode(new byte[] {2, 0, 0x0B}).command()).isEqualTo(KvCommand.openSession());
    }

    /** Entries written before OPEN_SESSION existed must replay as they first applied. */
    @Test
    void legacyCommandsStillOpenTheirSessionAtSequenceOne() {
        KvFixture kv = new KvFixture();
        byte[] legacyFirst = legacy(KvCommand.increment(b("n")).withSession(77, 1));
        byte[] legacySecond = legacy(KvCommand.increment(b("n")).withSession(77, 2));
        assertThat(KvCommand.decode(legacyFirst).version()).isEqualTo(KvCommand.LEGACY_FORMAT_VERSION);

        assertThat(KvResult.decode(kv.machine.apply(1, legacyFirst)).integer()).isEqualTo(1);
        assertThat(KvResult.decode(kv.machine.apply(2, legacyFirst)).integer()).isEqualTo(1); // a retry
        assertThat(KvResult.decode(kv.machine.apply(3, legacySecond)).integer()).isEqualTo(2);
        assertThat(kv.machine.lastSequence(77)).isEqualTo(2);
        // The same session in the current format continues it.
        assertThat(kv.machine.apply(4, KvCommand.increment(b("n")).withSession(77, 3)).integer()).isEqualTo(3);
    }

    /** Replacing a legacy session that holds the id would let its retries apply again; sharing it would mix two clients. */
    @Test
    void anOpeningAtTheIdOfALegacySessionOpensNothing() {
        KvFixture kv = new KvFixture();
        assertThat(KvResult.decode(kv.machine.apply(1, legacy(KvCommand.increment(b("n")).withSession(2, 1)))).integer())
                .isEqualTo(1);
        kv.index = 1;
        KvResult refused = kv.apply(KvCommand.openSession()); // index 2: session 2 exists
        assertThat(refused.status()).isEqualTo(KvStatus.SESSION_EXPIRED);
        assertThat(refused.reason()).contains("session id 2 is taken by an older session");
        assertThat(kv.machine.lastSequence(2)).isEqualTo(1);
        assertThat(KvResult.decode(kv.machine.apply(3, legacy(KvCommand.increment(b("n")).withSession(2, 1)))).integer())
                .as("the legacy client's retry is still deduplicated").isEqualTo(1);
        kv.index = 3;
        assertThat(kv.openSession()).as("opening again, at a free index").isEqualTo(4);
    }

    @Test
    void aVersion1OpenSessionIsMalformedAsItWasBefore() {
        assertThat(KvCommand.decode(new byte[] {1, 0, 0x0B}).error()).contains("OPEN_SESSION needs command format version 2");
    }

    private static byte[] legacy(KvCommand command) {
        byte[] bytes = command.encode();
        assertThat(bytes[0]).isEqualTo((byte) KvCommand.FORMAT_VERSION);
        bytes[0] = (byte) KvCommand.LEGACY_FORMAT_VERSION; // same layout, older rule
        return bytes;
    }
}
