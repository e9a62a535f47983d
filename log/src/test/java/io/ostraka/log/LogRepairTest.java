package io.ostraka.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ostraka.log.segment.NioFileIo;
import io.ostraka.raft.Entry;
import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The repair command truncates explicitly where recovery refused to guess. */
class LogRepairTest {
    @TempDir
    Path directory;

    @Test
    void truncatingAtTheReportedOffsetLetsTheLogOpenWithThePrefix() throws Exception {
        LogEngineConfig config = TestEngines.small(directory).withCacheBytesMax(0);
        append(config, 20, 100);
        Path segment = directory.resolve("segments").resolve(String.format("%020d.seg", 1));
        TornWriteTest.flipBit(segment, 32 + 5 * 160 + 40, new Random(1));
        LogCorruptionException error = openFailure(config);
        assertThat(error).isNotNull();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(LogRepair.run(new String[] {"bogus"}, NioFileIo.INSTANCE, new PrintStream(out, true, StandardCharsets.UTF_8))).isEqualTo(2);
        int status = LogRepair.run(new String[] {error.file().toString(), Long.toString(error.offsetBytes())},
                NioFileIo.INSTANCE, new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(status).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("zeroed " + segment);
        try (LogEngine engine = LogEngine.open(config)) {
            long last = engine.group(1).lastIndex();
            assertThat(last).isBetween(1L, 19L);
            assertThat(engine.group(1).entries(1, last + 1, Long.MAX_VALUE)).hasSize((int) last);
        }
        assertThatThrownBy(() -> LogRepair.run(new String[] {segment.toString(), "x"}, NioFileIo.INSTANCE, System.out))
                .isInstanceOf(NumberFormatException.class);
    }

    @Test
    void repairingASealedSegmentRequiresDroppingTheLaterOnes() throws Exception {
        LogEngineConfig config = TestEngines.small(directory).withCacheBytesMax(0).withRelocation(0, 1000);
        assertThat(append(config, 300, 500)).as("segments").isGreaterThan(2);
        Path first = directory.resolve("segments").resolve(String.format("%020d.seg", 1));
        TornWriteTest.flipBit(first, 5_000, new Random(3));
        LogCorruptionException error = openFailure(config);
        assertThat(error).isNotNull();
        assertThat(error.file()).isEqualTo(first);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        String[] args = {first.toString(), Long.toString(error.offsetBytes())};
        assertThat(LogRepair.run(args, NioFileIo.INSTANCE, print)).isEqualTo(2);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--drop-later-segments");
        String[] drop = {first.toString(), Long.toString(error.offsetBytes()), "--drop-later-segments"};
        assertThat(LogRepair.run(drop, NioFileIo.INSTANCE, print)).isZero();
        try (LogEngine engine = LogEngine.open(config)) {
            assertThat(engine.segmentIds()).containsExactly(1L);
            long last = engine.group(1).lastIndex();
            assertThat(last).isPositive();
            assertThat(engine.group(1).entries(1, last + 1, Long.MAX_VALUE)).hasSize((int) last);
        }
    }

    /** Crashes (throws, and the command is abandoned) at the {@code n}-th segment delete. */
    private static final class CrashAtDelete extends ForwardingFileIo {
        int deletesLeft;

        CrashAtDelete(int n) {
            deletesLeft = n;
        }

        @Override
        public void delete(Path p) throws IOException {
            if (--deletesLeft == 0) {
                throw new IOException("simulated crash before deleting " + p);
            }
            super.delete(p);
        }
    }

    /**
     * A crash part way through the command leaves a log that recovery still refuses at the same
     * place, so running the command again finishes the job; never a log that opens with a hole
     * or with later segments that no longer follow the earlier ones.
     */
    @Test
    void aCrashPartWayLeavesTheSameRepairToRunAgain() throws Exception {
        LogEngineConfig config = TestEngines.small(directory).withCacheBytesMax(0).withRelocation(0, 1000);
        assertThat(append(config, 400, 500)).as("segments").isGreaterThan(3);
        Path segments = directory.resolve("segments");
        Path first = segments.resolve(String.format("%020d.seg", 1));
        TornWriteTest.flipBit(first, 5_000, new Random(3));
        LogCorruptionException error = openFailure(config);
        assertThat(error).isNotNull();
        String[] drop = {first.toString(), Long.toString(error.offsetBytes()), "--drop-later-segments"};
        PrintStream print = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertThatThrownBy(() -> LogRepair.run(drop, new CrashAtDelete(2), print)).hasMessageContaining("simulated crash");
        LogCorruptionException again = openFailure(config);
        assertThat(again).as("recovery after the interrupted repair").isNotNull();
        assertThat(again.file()).isEqualTo(first);
        assertThat(again.offsetBytes()).isEqualTo(error.offsetBytes());
        assertThat(LogRepair.run(drop, NioFileIo.INSTANCE, print)).isZero();
        try (LogEngine engine = LogEngine.open(config)) {
            assertThat(engine.segmentIds()).containsExactly(1L);
            long last = engine.group(1).lastIndex();
            assertThat(engine.group(1).entries(1, last + 1, Long.MAX_VALUE)).hasSize((int) last);
        }
    }

    /** Appends {@code count} entries of {@code bytes} bytes to group 1; returns how many segments hold them. */
    private static int append(LogEngineConfig config, int count, int bytes) throws Exception {
        try (LogEngine engine = LogEngine.open(config)) {
            for (long i = 1; i <= count; i++) {
                engine.group(1).append(List.of(Entry.normal(1, i, new byte[bytes])));
            }
            return engine.segmentIds().size();
        }
    }

    /** The corruption recovery refuses to open the log for, or null if it opens. */
    private static LogCorruptionException openFailure(LogEngineConfig config) throws Exception {
        try {
            LogEngine.open(config).close();
            return null;
        } catch (LogCorruptionException e) {
            return e;
        }
    }
}
