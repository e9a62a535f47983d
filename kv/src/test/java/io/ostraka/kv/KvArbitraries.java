package io.ostraka.kv;

import io.ostraka.kv.KvOp.PutCondition;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Generators of keys, values, operations and commands. Keys come mostly from a small pool so that
 * random sequences collide on keys (conditions fail, versions climb); values are often decimal so
 * increments succeed as well as fail.
 */
final class KvArbitraries {
    private KvArbitraries() {}

    static Arbitrary<byte[]> keys() {
        Arbitrary<byte[]> pooled = Arbitraries.of("", "a", "b", "ba", "c", "counter", "z")
                .map(k -> k.getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> binary = Arbitraries.bytes().array(byte[].class).ofMaxSize(4);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(9, pooled), net.jqwik.api.Tuple.of(1, binary));
    }

    static Arbitrary<byte[]> values() {
        Arbitrary<byte[]> numbers = Arbitraries.longs().between(-1000, 1000)
                .map(n -> Long.toString(n).getBytes(StandardCharsets.US_ASCII));
        Arbitrary<byte[]> extremes = Arbitraries.of(Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE - 1)
                .map(n -> Long.toString(n).getBytes(StandardCharsets.US_ASCII));
        Arbitrary<byte[]> text = Arbitraries.strings().alpha().ofMaxLength(6)
                .map(s -> s.getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> binary = Arbitraries.bytes().array(byte[].class).ofMaxSize(8);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, numbers), net.jqwik.api.Tuple.of(1, extremes),
                net.jqwik.api.Tuple.of(3, text), net.jqwik.api.Tuple.of(2, binary));
    }

    static Arbitrary<KvOp> pointOps() {
        Arbitrary<KvOp> put = Combinators.combine(keys(), values(), Arbitraries.of(PutCondition.class),
                Arbitraries.of(true, false)).as(KvOp.Put::new);
        Arbitrary<KvOp> get = keys().map(KvOp.Get::new);
        Arbitrary<KvOp> delete = keys().list().ofMinSize(1).ofMaxSize(3).map(KvOp.Delete::new);
        Arbitrary<KvOp> cas = Combinators.combine(keys(), Arbitraries.longs().between(0, 4), values())
                .as(KvOp.CompareAndSet::new);
        Arbitrary<Long> deltas = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.longs().between(-5, 5)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(Long.MAX_VALUE, Long.MIN_VALUE)),
                net.jqwik.api.Tuple.of(1, Arbitraries.longs()));
        Arbitrary<KvOp> incr = Combinators.combine(keys(), deltas).as(KvOp.Increment::new);
        return Arbitraries.oneOf(put, get, delete, cas, incr);
    }

    static Arbitrary<KvOp> ops() {
        Arbitrary<byte[]> ends = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, Arbitraries.just(null)), net.jqwik.api.Tuple.of(3, keys()));
        Arbitrary<KvOp> scan = Combinators.combine(keys(), ends, Arbitraries.integers().between(1, 5))
                .as(KvOp.Scan::new);
        Arbitrary<KvOp> count = Combinators.combine(keys(), ends).as(KvOp.Count::new);
        Arbitrary<KvOp> batch = pointOps().list().ofMinSize(1).ofMaxSize(4).map(KvOp.Batch::new);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(10, pointOps()), net.jqwik.api.Tuple.of(1, scan),
                net.jqwik.api.Tuple.of(1, count), net.jqwik.api.Tuple.of(2, batch));
    }

    /** Commands with and without sessions; session ids from a small set, sequences low so retries happen. */
    static Arbitrary<KvCommand> commands() {
        Arbitrary<KvCommand> plain = ops().map(KvCommand::of);
        // Session ids are log indexes of OPEN_SESSION commands, so small ids meet opened sessions.
        Arbitrary<KvCommand> withSession = Combinators.combine(ops(),
                Arbitraries.of(1L, 2L, 3L, 4L, 5L, 8L, -3L, Long.MAX_VALUE),
                Arbitraries.longs().between(1, 6)).as((op, session, sequence) ->
                KvCommand.of(op).withSession(session, sequence));
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(5, plain), net.jqwik.api.Tuple.of(5, withSession),
                net.jqwik.api.Tuple.of(2, Arbitraries.just(KvCommand.openSession())));
    }
}
