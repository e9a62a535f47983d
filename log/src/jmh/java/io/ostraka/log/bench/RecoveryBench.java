package io.ostraka.log.bench;

import io.ostraka.log.LogEngine;
import io.ostraka.log.LogEngineConfig;
import io.ostraka.raft.Entry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * Recovery time: fills a log with {@code totalBytes} of {@code entryBytes} entries over 16 groups (batches of
 * 64 entries), closes it, then times {@link LogEngine#open} — which reads every segment, checks
 * every CRC and rebuilds every group's index. The files are still in the page cache (this
 * harness does not drop caches on a shared machine), so the figure is CPU-bound recovery.
 */
final class RecoveryBench {
    private RecoveryBench() {}

    static String run(Path directory, long totalBytes, int entryBytes) throws Exception {
        int groups = 16;
        long entries = totalBytes / (entryBytes + 13);
        long perGroup = entries / groups;
        long fillStart = System.nanoTime();
        try (LogEngine engine = LogEngine.open(LogEngineConfig.defaults(directory))) {
            byte[] data = new byte[entryBytes];
            List<CompletableFuture<Void>> pending = new ArrayList<>();
            for (long first = 1; first <= perGroup; first += 64) {
                for (long group = 1; group <= groups; group++) {
                    List<Entry> batch = new ArrayList<>(64);
                    for (long i = first; i < Math.min(first + 64, perGroup + 1); i++) {
                        batch.add(Entry.normal(1, i, data));
                    }
                    pending.add(engine.group(group).appendAsync(batch));
                }
                if (pending.size() > 256) {
                    pending.forEach(CompletableFuture::join);
                    pending.clear();
                }
            }
            pending.forEach(CompletableFuture::join);
        }
        double fillSeconds = (System.nanoTime() - fillStart) / 1e9;
        StringBuilder opens = new StringBuilder();
        String shape = "";
        for (int run = 1; run <= 3; run++) {
            long start = System.nanoTime();
            try (LogEngine engine = LogEngine.open(LogEngineConfig.defaults(directory))) {
                double openSeconds = (System.nanoTime() - start) / 1e9;
                long recovered = 0;
                for (long group = 1; group <= groups; group++) {
                    recovered += engine.group(group).lastIndex();
                }
                opens.append(String.format(Locale.ROOT, "%s%.2f s", run == 1 ? "" : ", ", openSeconds));
                shape = String.format(Locale.ROOT, "%,d MiB (%,d entries of %d B, %d groups, %d segments)",
                        totalBytes >> 20, recovered, entryBytes, groups, engine.segmentIds().size());
            }
        }
        return String.format(Locale.ROOT, "| recovery of %s | opens (first = cold JVM code) %s | fill %.1f s |",
                shape, opens, fillSeconds);
    }
}
