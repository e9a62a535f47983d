package io.ostraka.kv;

import static io.ostraka.kv.TestBytes.b;
import static io.ostraka.kv.TestBytes.s;
import static org.assertj.core.api.Assertions.assertThat;

import io.ostraka.kv.KvOp.PutCondition;
import org.junit.jupiter.api.Test;

/**
 * Proves put/get/delete semantics: version 1 on create and +1 per update, createIndex and modIndex
 * from the Raft index, a delete resetting the key's history, Redis SET NX / XX / GET behaviour, and
 * multi-key delete counting only keys that existed.
 */
class PutGetDeleteTest {
    private final KvFixture kv = new KvFixture();

    @Test
    void createThenUpdateTracksVersionAndIndexes() {
        KvResult created = kv.apply(KvCommand.put(b("k"), b("v1")));
        assertThat(created.status()).isEqualTo(KvStatus.OK);
        assertThat(created.version()).isEqualTo(1);
        assertThat(created.createIndex()).isEqualTo(1);
        assertThat(created.modIndex()).isEqualTo(1);
        assertThat(created.value()).isNull();

        kv.skipIndexes(3);
        KvResult updated = kv.apply(KvCommand.put(b("k"), b("v2")));
        assertThat(updated.version()).isEqualTo(2);
        assertThat(updated.createIndex()).isEqualTo(1);
        assertThat(updated.modIndex()).isEqualTo(5);

        KvResult read = kv.machine.get(b("k"));
        assertThat(read.status()).isEqualTo(KvStatus.OK);
        assertThat(s(read.value())).isEqualTo("v2");
        assertThat(read.version()).isEqualTo(2);
        assertThat(read.createIndex()).isEqualTo(1);
        assertThat(read.modIndex()).isEqualTo(5);
        assertThat(kv.machine.appliedIndex()).isEqualTo(5);
    }

    @Test
    void getOfMissingKeyIsNotFound() {
        assertThat(kv.machine.get(b("nope")).status()).isEqualTo(KvStatus.NOT_FOUND);
        KvResult viaLog = kv.apply(KvCommand.get(b("nope")));
        assertThat(viaLog.status()).isEqualTo(KvStatus.NOT_FOUND);
        assertThat(viaLog.reason()).isNull();
    }

    @Test
    void getThroughTheLogReturnsValueAndVersionInfo() {
        kv.apply(KvCommand.put(b("k"), b("v")));
        KvResult read = kv.apply(KvCommand.get(b("k")));
        assertThat(s(read.value())).isEqualTo("v");
        assertThat(read.version()).isEqualTo(1);
        assertThat(read.createIndex()).isEqualTo(1);
    }

    @Test
    void deleteThenPutRecreatesAtVersionOne() {
        kv.apply(KvCommand.put(b("k"), b("a")));
        kv.apply(KvCommand.put(b("k"), b("b")));
        KvResult deleted = kv.apply(KvCommand.delete(b("k")));
        assertThat(deleted.integer()).isEqualTo(1);
        assertThat(kv.machine.get(b("k")).status()).isEqualTo(KvStatus.NOT_FOUND);

        KvResult recreated = kv.apply(KvCommand.put(b("k"), b("c")));
        assertThat(recreated.version()).isEqualTo(1);
        assertThat(recreated.createIndex()).isEqualTo(4);
        assertThat(recreated.modIndex()).isEqualTo(4);
    }

    @Test
    void multiKeyDeleteCountsOnlyExistingKeysOnce() {
        kv.apply(KvCommand.put(b("a"), b("1")));
        kv.apply(KvCommand.put(b("b"), b("2")));
        KvResult deleted = kv.apply(KvCommand.delete(b("a"), b("missing"), b("b"), b("a")));
        assertThat(deleted.status()).isEqualTo(KvStatus.OK);
        assertThat(deleted.integer()).isEqualTo(2);
        assertThat(kv.machine.size()).isZero();
        assertThat(kv.apply(KvCommand.delete(b("a"))).integer()).isZero();
    }

    @Test
    void putIfAbsentWritesOnlyWhenMissing() {
        KvResult first = kv.apply(KvCommand.putIfAbsent(b("k"), b("first")));
        assertThat(first.status()).isEqualTo(KvStatus.OK);

        KvResult second = kv.apply(KvCommand.putIfAbsent(b("k"), b("second")));
        assertThat(second.status()).isEqualTo(KvStatus.CONDITION_FAILED);
        assertThat(second.reason()).contains("exists (NX)");
        assertThat(second.version()).isEqualTo(1);
        assertThat(s(kv.machine.get(b("k")).value())).isEqualTo("first");
    }

    @Test
    void putIfPresentWritesOnlyWhenExisting() {
        KvResult missing = kv.apply(KvCommand.putIfPresent(b("k"), b("x")));
        assertThat(missing.status()).isEqualTo(KvStatus.CONDITION_FAILED);
        assertThat(missing.reason()).contains("does not exist (XX)");
        assertThat(missing.hasVersionInfo()).isTrue();
        assertThat(missing.version()).isZero();
        assertThat(kv.machine.size()).isZero();

        kv.apply(KvCommand.put(b("k"), b("a")));
        KvResult present = kv.apply(KvCommand.putIfPresent(b("k"), b("b")));
        assertThat(present.status()).isEqualTo(KvStatus.OK);
        assertThat(present.version()).isEqualTo(2);
    }

    @Test
    void putWithGetReturnsThePreviousValue() {
        KvResult none = kv.apply(KvCommand.put(b("k"), b("a"), PutCondition.ALWAYS, true));
        assertThat(none.status()).isEqualTo(KvStatus.OK);
        assertThat(none.value()).isNull();

        KvResult previous = kv.apply(KvCommand.put(b("k"), b("b"), PutCondition.ALWAYS, true));
        assertThat(s(previous.value())).isEqualTo("a");
        assertThat(previous.version()).isEqualTo(2);

        KvResult nxFailed = kv.apply(KvCommand.put(b("k"), b("c"), PutCondition.IF_ABSENT, true));
        assertThat(nxFailed.status()).isEqualTo(KvStatus.CONDITION_FAILED);
        assertThat(s(nxFailed.value())).isEqualTo("b");

        KvResult xxFailed = kv.apply(KvCommand.put(b("other"), b("c"), PutCondition.IF_PRESENT, true));
        assertThat(xxFailed.status()).isEqualTo(KvStatus.CONDITION_FAILED);
        assertThat(xxFailed.value()).isNull();
    }

    @Test
    void emptyKeyAndEmptyValueAreOrdinary() {
        kv.apply(KvCommand.put(new byte[0], new byte[0]));
        KvResult read = kv.machine.get(new byte[0]);
        assertThat(read.status()).isEqualTo(KvStatus.OK);
        assertThat(read.value()).isEmpty();
    }

    @Test
    void queryRefusesWritesAndServesReads() {
        KvResult refused = kv.machine.query(new KvOp.Put(b("k"), b("v"), PutCondition.ALWAYS, false));
        assertThat(refused.status()).isEqualTo(KvStatus.INVALID_REQUEST);
        assertThat(refused.reason()).contains("PUT is a write");
        assertThat(kv.machine.size()).isZero();

        kv.apply(KvCommand.put(b("k"), b("v")));
        assertThat(kv.machine.query(new KvOp.Get(b("k"))).isOk()).isTrue();
        assertThat(kv.machine.query(new KvOp.Count(new byte[0], null)).integer()).isEqualTo(1);
    }

    @Test
    void builtCommandsOutsideTheLimitsAreRefusedAtConstruction() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> KvCommand.put(new byte[KvLimits.KEY_BYTES_MAX + 1], b("v")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key of 65537 bytes");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> KvCommand.put(b("k"), new byte[KvLimits.VALUE_BYTES_MAX + 1]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("value of");
        org.assertj.core.api.Assertions.assertThatThrownBy(KvCommand::delete)
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one key");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> KvCommand.compareAndSet(b("k"), -1, b("v")))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> KvCommand.get(b("k")).withSession(0, 1))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> KvCommand.get(b("k")).withSession(5, 0))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new KvConfig(0, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void applyRejectsANonIncreasingIndex() {
        kv.apply(KvCommand.put(b("k"), b("v")));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> kv.machine.apply(1, KvCommand.get(b("k"))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("apply of index 1 after applied index 1");
    }
}
