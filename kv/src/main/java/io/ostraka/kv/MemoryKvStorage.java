package io.ostraka.kv;

import io.ostraka.raft.Invariants;
import java.util.Objects;
import java.util.function.Supplier;

/** {@link KvStorage} over a factory of empty in-memory stores: install is a reference swap. */
final class MemoryKvStorage implements KvStorage {
    private final Supplier<KvStore> storeFactory;

    MemoryKvStorage(Supplier<KvStore> storeFactory) {
        this.storeFactory = Objects.requireNonNull(storeFactory, "storeFactory");
    }

    @Override
    public KvStore openCurrent() {
        return createStaging();
    }

    @Override
    public KvStore createStaging() {
        KvStore fresh = Objects.requireNonNull(storeFactory.get(), "storeFactory returned null");
        Invariants.check(fresh.size() == 0, "storeFactory returned a store with %d keys", fresh.size());
        return fresh;
    }

    @Override
    public KvStore install(KvStore current, KvStore staging) {
        current.close();
        return staging;
    }

    @Override
    public void discard(KvStore staging) {
        staging.close();
    }
}
