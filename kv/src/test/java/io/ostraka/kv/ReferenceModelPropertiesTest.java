package io.ostraka.kv;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Proves the state machine against an independent, deliberately naive model of docs/kv.md: a
 * sorted map of (value, version, createIndex, modIndex), batches done on a copy that is kept or
 * thrown away. For random histories (sessionless, so every command applies) each result's status
 * and returned fields, and the final contents, must match the model.
 */
class ReferenceModelPropertiesTest {
    @Provide
    Arbitrary<List<KvOp>> histories() {
        return KvArbitraries.ops().list().ofMinSize(1).ofMaxSize(80);
    }

    @Property(tries = 300)
    void stateMachineAgreesWithTheModel(@ForAll("histories") List<KvOp> history) {
        KvStateMachine machine = KvStateMachine.inMemory();
        TreeMap<byte[], VersionedValue> model = new TreeMap<>(Bytes.UNSIGNED_LEXICOGRAPHIC);
        long index = 0;
        for (KvOp op : history) {
            index++;
            KvResult actual = machine.apply(index, KvCommand.of(op));
            Expected expected = op instanceof KvOp.Batch batch ? batch(model, batch, index) : point(model, op, index);
            assertThat(actual.status()).as("status of %s at %d", op, index).isEqualTo(expected.status);
            if (expected.version != null) {
                assertThat(actual.version()).as("version of %s", op).isEqualTo(expected.version);
            }
            if (expected.integer != null) {
                assertThat(actual.integer()).as("integer of %s", op).isEqualTo(expected.integer);
            }
            if (expected.value != null) {
                assertThat(actual.value()).as("value of %s", op).isEqualTo(expected.value);
            }
            if (expected.entries != null) {
                assertThat(actual.entries()).as("entries of %s", op).isEqualTo(expected.entries);
            }
        }
        List<KvEntry> all = new ArrayList<>();
        for (Map.Entry<byte[], VersionedValue> entry : model.entrySet()) {
            all.add(new KvEntry(entry.getKey(), entry.getValue()));
        }
        assertThat(machine.scan(new byte[0], null, KvLimits.SCAN_LIMIT_MAX).entries()).isEqualTo(all);
    }

    /** What the model says a result must contain; null fields are not checked. */
    private static final class Expected {
        KvStatus status;
        Long version;
        Long integer;
        byte[] value;
        List<KvEntry> entries;

        Expected(KvStatus status) {
            this.status = status;
        }
    }

    private static Expected batch(TreeMap<byte[], VersionedValue> model, KvOp.Batch batch, long index) {
        TreeMap<byte[], VersionedValue> copy = new TreeMap<>(model);
        for (KvOp op : batch.ops()) {
            Expected e = point(copy, op, index);
            if (e.status != KvStatus.OK && e.status != KvStatus.NOT_FOUND) {
                return new Expected(e.status);
            }
        }
        model.clear();
        model.putAll(copy);
        return new Expected(KvStatus.OK);
    }

    private static Expected point(TreeMap<byte[], VersionedValue> model, KvOp op, long index) {
        if (op instanceof KvOp.Put put) {
            VersionedValue current = model.get(put.key());
            boolean holds = put.condition() == KvOp.PutCondition.ALWAYS
                    || (put.condition() == KvOp.PutCondition.IF_ABSENT) == (current == null);
            if (!holds) {
                Expected e = new Expected(KvStatus.CONDITION_FAILED);
                e.version = current == null ? 0L : current.version();
                return e;
            }
            return written(model, put.key(), current, put.value(), index);
        }
        if (op instanceof KvOp.Get get) {
            VersionedValue current = model.get(get.key());
            if (current == null) {
                return new Expected(KvStatus.NOT_FOUND);
            }
            Expected e = new Expected(KvStatus.OK);
            e.value = current.value();
            e.version = current.version();
            return e;
        }
        if (op instanceof KvOp.Delete delete) {
            long deleted = 0;
            for (byte[] key : delete.keys()) {
                deleted += model.remove(key) != null ? 1 : 0;
            }
            Expected e = new Expected(KvStatus.OK);
            e.integer = deleted;
            return e;
        }
        if (op instanceof KvOp.CompareAndSet cas) {
            VersionedValue current = model.get(cas.key());
            long version = current == null ? 0 : current.version();
            if (version != cas.expectedVersion()) {
                Expected e = new Expected(KvStatus.CONDITION_FAILED);
                e.version = version;
                return e;
            }
            return written(model, cas.key(), current, cas.value(), index);
        }
        if (op instanceof KvOp.Increment increment) {
            return increment(model, increment, index);
        }
        if (op instanceof KvOp.Scan scan) {
            List<KvEntry> entries = new ArrayList<>();
            for (Map.Entry<byte[], VersionedValue> entry : model.entrySet()) {
                if (inRange(entry.getKey(), scan.start(), scan.end()) && entries.size() < scan.limit()) {
                    entries.add(new KvEntry(entry.getKey(), entry.getValue()));
                }
            }
            Expected e = new Expected(KvStatus.OK);
            e.entries = entries;
            return e;
        }
        KvOp.Count count = (KvOp.Count) op;
        long n = model.keySet().stream().filter(k -> inRange(k, count.start(), count.end())).count();
        Expected e = new Expected(KvStatus.OK);
        e.integer = n;
        return e;
    }

    private static Expected increment(TreeMap<byte[], VersionedValue> model, KvOp.Increment op, long index) {
        VersionedValue current = model.get(op.key());
        long base = 0;
        if (current != null) {
            String text = new String(current.value(), StandardCharsets.ISO_8859_1);
            try {
                base = Long.parseLong(text);
            } catch (NumberFormatException notANumber) {
                return new Expected(KvStatus.WRONG_TYPE);
            }
            if (!Long.toString(base).equals(text)) {
                return new Expected(KvStatus.WRONG_TYPE); // "+1", "007", "-0": not canonical
            }
        }
        long sum;
        try {
            sum = Math.addExact(base, op.delta());
        } catch (ArithmeticException overflow) {
            return new Expected(KvStatus.OVERFLOW);
        }
        Expected e = written(model, op.key(), current, Long.toString(sum).getBytes(StandardCharsets.US_ASCII), index);
        e.integer = sum;
        return e;
    }

    private static Expected written(TreeMap<byte[], VersionedValue> model, byte[] key, VersionedValue current,
            byte[] value, long index) {
        VersionedValue next = current == null ? new VersionedValue(value, 1, index, index)
                : new VersionedValue(value, current.version() + 1, current.createIndex(), index);
        model.put(key, next);
        Expected e = new Expected(KvStatus.OK);
        e.version = next.version();
        return e;
    }

    private static boolean inRange(byte[] key, byte[] start, byte[] end) {
        return !Bytes.less(key, start) && (end == null || Bytes.less(key, end));
    }
}
