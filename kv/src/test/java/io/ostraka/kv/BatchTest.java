package io.ostraka.kv;

import static io.ostraka.kv.TestBytes.b;
import static io.ostraka.kv.TestBytes.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ostraka.kv.KvOp.PutCondition;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Proves batch semantics: operations run in order and see each other's writes; all of them carry
 * the batch's index; a failed condition, wrong type or overflow aborts the whole batch with the
 * failing position and nothing applied; NOT_FOUND does not abort.
 */
class BatchTest {
    private final KvFixture kv = new KvFixture();

    private static KvOp put(String key, String value) {
        return new KvOp.Put(b(key), b(value), PutCondition.ALWAYS, false);
    }

    @Test
    void successfulBatchAppliesEverythingAtOneIndex() {
        kv.apply(KvCommand.put(b("counter"), b("41")));
        KvResult result = kv.apply(KvCommand.batch(
                put("a", "1"),
                new KvOp.CompareAndSet(b("a"), 1, b("2")),
                new KvOp.Increment(b("counter"), 1),
                new KvOp.Get(b("a")),
                new KvOp.Get(b("missing")),
                new KvOp.Delete(List.of(b("a")))));

        assertThat(result.status()).isEqualTo(KvStatus.OK);
        assertThat(result.failedOp()).isEqualTo(-1);
        List<KvResult> results = result.results();
        assertThat(results).hasSize(6);
        assertThat(results.get(0).version()).isEqualTo(1);
        assertThat(results.get(1).version()).isEqualTo(2);
        assertThat(results.get(1).modIndex()).isEqualTo(2);
        assertThat(results.get(2).integer()).isEqualTo(42);
        assertThat(s(results.get(3).value())).isEqualTo("2");
        assertThat(results.get(4).status()).isEqualTo(KvStatus.NOT_FOUND);
        assertThat(results.get(5).integer()).isEqualTo(1);

        assertThat(kv.machine.get(b("a")).status()).isEqualTo(KvStatus.NOT_FOUND);
        KvResult counter = kv.machine.get(b("counter"));
        assertThat(s(counter.value())).isEqualTo("42");
        assertThat(counter.modIndex()).isEqualTo(2);
    }

    @Test
    void aBatchWhoseResultsWouldExceedTheBudgetIsRefusedWithNothingApplied() {
        kv.apply(KvCommand.put(b("big"), new byte[KvLimits.VALUE_BYTES_MAX]));
        KvOp[] ops = new KvOp[KvLimits.BATCH_OPS_MAX];
        ops[0] = put("written", "1");
        for (int i = 1; i < ops.length; i++) {
            ops[i] = new KvOp.Get(b("big")); // a tiny request asking for a gigabyte of results
        }
        KvResult result = kv.apply(KvCommand.batch(ops));
        assertThat(result.status()).isEqualTo(KvStatus.INVALID_REQUEST);
        assertThat(result.reason()).contains("would exceed");
        assertThat(result.failedOp()).isEqualTo((int) (KvLimits.BATCH_RESULT_BYTES_MAX / KvLimits.VALUE_BYTES_MAX) + 1);
        assertThat(kv.machine.get(b("written")).status()).isEqualTo(KvStatus.NOT_FOUND);
    }

    @Test
    void failedConditionAbortsTheWholeBatch() {
        kv.apply(KvCommand.put(b("lock"), b("held")));
        KvResult result = kv.apply(KvCommand.batch(
                put("a", "1"),
                new KvOp.Delete(List.of(b("lock"))),
                new KvOp.CompareAndSet(b("lock"), 1, b("mine")),
                put("b", "2")));

        assertThat(result.status()).isEqualTo(KvStatus.CONDITION_FAILED);
        assertThat(result.failedOp()).isEqualTo(2);
        assertThat(result.reason()).startsWith("batch operation 2 (COMPARE_AND_SET) failed, nothing applied");
        assertThat(result.results()).hasSize(3);
        assertThat(result.results().get(2).version()).isZero();

        assertThat(kv.machine.get(b("a")).status()).isEqualTo(KvStatus.NOT_FOUND);
        assertThat(s(kv.machine.get(b("lock")).value())).isEqualTo("held");
        assertThat(kv.machine.size()).isEqualTo(1);
    }

    @Test
    void wrongTypeAndOverflowAbortToo() {
        kv.apply(KvCommand.put(b("text"), b("hello")));
        KvResult wrongType = kv.apply(KvCommand.batch(put("a", "1"), new KvOp.Increment(b("text"), 1)));
        assertThat(wrongType.status()).isEqualTo(KvStatus.WRONG_TYPE);
        assertThat(wrongType.failedOp()).isEqualTo(1);

        KvResult overflow = kv.apply(KvCommand.batch(
                new KvOp.Increment(b("n"), Long.MAX_VALUE), new KvOp.Increment(b("n"), 1)));
        assertThat(overflow.status()).isEqualTo(KvStatus.OVERFLOW);
        assertThat(kv.machine.size()).isEqualTo(1);
    }

    @Test
    void putIfAbsentSeesAnEarlierPutOfTheSameBatch() {
        KvResult result = kv.apply(KvCommand.batch(put("k", "1"), new KvOp.Put(b("k"), b("2"),
                PutCondition.IF_ABSENT, false)));
        assertThat(result.status()).isEqualTo(KvStatus.CONDITION_FAILED);
        assertThat(kv.machine.size()).isZero();
    }

    @Test
    void writingOneKeyTwiceBumpsTheVersionTwice() {
        KvResult result = kv.apply(KvCommand.batch(put("k", "1"), put("k", "2")));
        assertThat(result.results().get(1).version()).isEqualTo(2);
        assertThat(kv.machine.get(b("k")).version()).isEqualTo(2);
    }

    @Test
    void scansCountsAndNestedBatchesAreNotAllowedInside() {
        assertThatThrownBy(() -> KvCommand.batch(new KvOp.Scan(b("a"), null, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SCAN is not allowed inside a batch");
        assertThatThrownBy(() -> KvCommand.batch(new KvOp.Batch(List.of(put("a", "1")))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BATCH is not allowed");
        assertThatThrownBy(() -> KvCommand.batch()).isInstanceOf(IllegalArgumentException.class);
    }
}
