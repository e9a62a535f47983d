package io.ostraka.log;

import io.ostraka.raft.Entry;
import io.ostraka.raft.HardState;
import io.ostraka.raft.SnapshotMetadata;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Semaphore;

/**
 * The process {@link CrashConsistencyTest} kills: opens the log in {@code args[0]}, then appends
 * forever to {@link #GROUPS} groups from one thread per group with several writes in flight,
 * printing {@code <group> <index>} for each entry once its future reports it durable. Entries'
 * contents are a function of (group, index, term) so the parent can check them after the kill.
 * Every so often a group takes a snapshot so compaction and purging run under the crash too.
 */
public final class CrashChild {
    static final int GROUPS = 4;
    private static final int IN_FLIGHT_MAX = 8;

    private CrashChild() {}

    public static void main(String[] args) throws Exception {
        Path directory = Path.of(args[0]);
        long term = Long.parseLong(args[1]);
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        LogEngine engine = LogEngine.open(config(directory));
        for (int g = 1; g <= GROUPS; g++) {
            int group = g;
            Thread thread = new Thread(() -> appendForever(engine.group(group), term, out), "appender-" + g);
            thread.start();
        }
        out.println("ready");
        out.flush();
    }

    static LogEngineConfig config(Path directory) {
        return LogEngineConfig.defaults(directory).withSegmentBytesMax(256 * 1024).withCacheBytesMax(64 * 1024);
    }

    private static void appendForever(GroupLog log, long term, PrintStream out) {
        Semaphore inFlight = new Semaphore(IN_FLIGHT_MAX);
        long next = log.lastIndex() + 1;
        long commit = log.hardState().commit();
        while (true) {
            inFlight.acquireUninterruptibly();
            long index = next++;
            Entry entry = entry(log.groupId(), index, term);
            log.write(List.of(entry), new HardState(term, 1, commit)).whenComplete((ok, error) -> {
                if (error == null) {
                    synchronized (out) {
                        out.println(log.groupId() + " " + index);
                        out.flush();
                    }
                }
                inFlight.release();
            });
            if (index % 400 == 0) {
                log.write(List.of(), new HardState(term, 1, index - 1)).join();
                commit = index - 1;
                log.createSnapshotAsync(new SnapshotMetadata(commit, log.term(commit), LogStoreContractTest.CONF), 50).join();
            }
        }
    }

    /** The deterministic entry at (group, index, term). */
    static Entry entry(long group, long index, long term) {
        int length = (int) ((group * 31 + index * 17) % 300);
        ByteBuffer data = ByteBuffer.allocate(24 + length);
        data.putLong(group).putLong(index).putLong(term);
        for (int k = 0; k < length; k++) {
            data.put((byte) (index + k));
        }
        return Entry.normal(term, index, data.array());
    }
}
