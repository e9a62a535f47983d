package io.ostraka.kv;

import static io.ostraka.kv.TestBytes.b;
import static io.ostraka.kv.TestBytes.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link KvStore} must meet — key order (unsigned bytewise, prefixes first),
 * half-open ranges, limits, ordered batch writes, ordered iteration, exact key counts, and the
 * applied index and sessions a batch carries — so the RocksDB store is held to exactly what the
 * in-memory one does: subclass and implement {@link #newStore()}.
 */
abstract class KvStoreContractTest {
    protected KvStore store;

    protected abstract KvStore newStore();

    @BeforeEach
    void createStore() {
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private static VersionedValue v(String value) {
        return VersionedValue.created(b(value), 1);
    }

    @Test
    void ordersKeysAsUnsignedBytesWithPrefixesFirst() {
        byte[] high = {(byte) 0xff};
        byte[] low = {0x01};
        store.put(high, v("high"));
        store.put(b("a"), v("a"));
        store.put(b("ab"), v("ab"));
        store.put(low, v("low"));
        store.put(new byte[0], v("empty"));

        List<String> values = new ArrayList<>();
        for (KvEntry entry : store.scan(new byte[0], null, 100)) {
            values.add(s(entry.value().value()));
        }
        assertThat(values).containsExactly("empty", "low", "a", "ab", "high");
        assertThat(Bytes.UNSIGNED_LEXICOGRAPHIC.compare(high, low)).isPositive();
        assertThat(Bytes.less(b("a"), b("ab"))).isTrue();
    }

    @Test
    void scanIsHalfOpenAndLimited() {
        for (String key : List.of("a", "b", "c", "d")) {
            store.put(b(key), v(key));
        }
        assertThat(store.scan(b("b"), b("d"), 10)).extracting(e -> s(e.key())).containsExactly("b", "c");
        assertThat(store.scan(b("b"), null, 2)).extracting(e -> s(e.key())).containsExactly("b", "c");
        assertThat(store.scan(b("b"), b("b"), 10)).isEmpty();
        assertThat(store.scan(b("d"), b("a"), 10)).isEmpty();
        assertThat(store.scan(b("a"), null, 0)).isEmpty();
        assertThat(store.count(b("b"), null)).isEqualTo(3);
        assertThat(store.count(b("b"), b("c"))).isEqualTo(1);
        assertThat(store.count(b("z"), b("a"))).isZero();
        assertThatThrownBy(() -> store.scan(b("a"), null, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void writeBatchAppliesPutsAndDeletesInOrder() {
        store.put(b("x"), v("old"));
        KvWriteBatch batch = new KvWriteBatch().put(b("y"), v("y")).delete(b("x")).put(b("x"), v("new"));
        assertThat(batch.size()).isEqualTo(3);
        assertThat(batch.isEmpty()).isFalse();

        store.write(batch);

        assertThat(s(store.get(b("x")).value())).isEqualTo("new");
        assertThat(s(store.get(b("y")).value())).isEqualTo("y");
        assertThat(store.size()).isEqualTo(2);
    }

    @Test
    void batchThatSaysWhichKeysExistedKeepsTheCountFromThat() {
        store.put(b("x"), v("old"));
        KvWriteBatch batch = new KvWriteBatch()
                .put(b("x"), v("x2"), true)
                .put(b("y"), v("y"), false)
                .put(b("z"), v("z"), false)
                .delete(b("z"), true);
        assertThat(batch.knowsKeyCountDelta()).isTrue();
        assertThat(batch.keyCountDelta()).isEqualTo(1);

        store.write(batch);

        assertThat(store.size()).isEqualTo(2).isEqualTo(store.count(new byte[0], null));
        assertThat(store.get(b("z"))).isNull();
        // One put that did not say: the store counts the whole batch itself.
        KvWriteBatch mixed = new KvWriteBatch().put(b("w"), v("w"), false).put(b("x"), v("x3"));
        assertThat(mixed.knowsKeyCountDelta()).isFalse();
        assertThatThrownBy(mixed::keyCountDelta).hasMessageContaining("did not say whether their key existed");
        store.write(mixed);
        assertThat(store.size()).isEqualTo(3).isEqualTo(store.count(new byte[0], null));
    }

    @Test
    void deleteReportsPresenceAndClearEmpties() {
        store.put(b("k"), v("v"));
        assertThat(store.delete(b("k"))).isTrue();
        assertThat(store.delete(b("k"))).isFalse();
        assertThat(store.get(b("k"))).isNull();
        store.put(b("k"), v("v"));
        store.clear();
        assertThat(store.size()).isZero();
    }

    @Test
    void forEachEntryVisitsInKeyOrder() throws Exception {
        store.put(b("b"), v("2"));
        store.put(b("a"), v("1"));
        List<String> seen = new ArrayList<>();
        store.forEachEntry((key, value) -> seen.add(s(key) + "=" + s(value.value())));
        assertThat(seen).containsExactly("a=1", "b=2");
    }

    @Test
    void batchCarriesTheAppliedIndexAndSessionChanges() {
        assertThat(store.appliedIndex()).isZero();
        KvSession first = new KvSession(5, 1, b("r1"), 3);
        KvSession negative = new KvSession(-2, 4, b("r2"), 3);
        store.write(new KvWriteBatch().put(b("k"), v("v")).putSession(first).putSession(negative).appliedIndex(3));
        assertThat(store.appliedIndex()).isEqualTo(3);
        List<KvSession> seen = new ArrayList<>();
        store.forEachSession(seen::add);
        assertThat(seen).containsExactly(negative, first);

        KvWriteBatch next = new KvWriteBatch().deleteSession(-2).putSession(new KvSession(5, 2, b("r3"), 4))
                .appliedIndex(4);
        assertThat(next.isEmpty()).isTrue();
        assertThat(next.sessionChanges()).isEqualTo(2);
        store.write(next);
        seen.clear();
        store.forEachSession(seen::add);
        assertThat(seen).containsExactly(new KvSession(5, 2, b("r3"), 4));
        assertThat(store.appliedIndex()).isEqualTo(4);
        store.write(new KvWriteBatch().put(b("j"), v("w")));
        assertThat(store.appliedIndex()).as("a batch without an index leaves it").isEqualTo(4);
    }

    @Test
    void sizeStaysExactWhenABatchTouchesAKeyTwice() {
        store.put(b("a"), v("1"));
        store.write(new KvWriteBatch().put(b("a"), v("2")).put(b("b"), v("2")).delete(b("b")).delete(b("c"))
                .put(b("c"), v("3")).delete(b("nope")));
        assertThat(store.size()).isEqualTo(2);
        assertThat(store.count(new byte[0], null)).isEqualTo(2);
        assertThat(store.count(b("b"), null)).isEqualTo(1);
        store.put(b("a"), v("3"));
        assertThat(store.size()).isEqualTo(2);
        assertThat(store.get(b("b"))).isNull();
    }
}
