package io.ostraka.log.bench;

import io.ostraka.log.GroupLog;
import io.ostraka.log.LogEngine;
import io.ostraka.log.LogEngineConfig;
import io.ostraka.raft.Entry;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** The Ostraka log engine as a load target: one entry per append, default 64 MiB segments. */
final class EngineTarget implements LoadDriver.Target {
    private final LogEngine engine;
    private final ConcurrentHashMap<Long, long[]> nextIndex = new ConcurrentHashMap<>();

    EngineTarget(Path directory) throws Exception {
        engine = LogEngine.open(LogEngineConfig.defaults(directory));
    }

    @Override
    public void appendDurably(long group, byte[] data) {
        GroupLog log = engine.group(group);
        long[] next = nextIndex.computeIfAbsent(group, g -> new long[] {log.lastIndex() + 1});
        CompletableFuture<Void> done;
        // Appenders sharing a group take consecutive indexes in submission order.
        synchronized (next) {
            done = log.appendAsync(List.of(Entry.normal(1, next[0]++, data)));
        }
        done.join();
    }

    @Override
    public long fsyncs() {
        return engine.fsyncCount();
    }

    @Override
    public void close() throws Exception {
        engine.close();
    }
}
