package io.ostraka.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ostraka.log.segment.RecordFormat;
import io.ostraka.log.segment.RecordType;
import io.ostraka.log.segment.SegmentFiles;
import io.ostraka.log.segment.SegmentHeader;
import io.ostraka.raft.Entry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damage to the segment files, applied to a closed log and followed by recovery:
 * <ul>
 *   <li>the last segment cut (and, separately, zeroed) at every byte offset of its last records
 *       and at random offsets: recovery keeps exactly the records that end before the cut;</li>
 *   <li>a bit flipped in the last record: it is treated as a torn tail and dropped;</li>
 *   <li>a bit flipped in an earlier record of the last segment or anywhere in a sealed segment:
 *       startup fails with an error naming the file, offset and group;</li>
 *   <li>after a truncation, new appends and another restart never resurrect the dropped bytes.</li>
 * </ul>
 * Every write here is its own group-commit write, as after a crash only the last can be torn.
 */
class TornWriteTest {
    private static final int GROUPS = 3;
    private static final int WRITES = 250;

    @TempDir
    Path directory;

    private Path pristine;
    private Path work;
    private final List<Entry> writtenEntries = new ArrayList<>();
    private final List<Integer> writtenGroups = new ArrayList<>();
    private List<Long> segmentIds;

    /** A record as laid out in a segment file, and the write (index into writtenEntries) it holds. */
    private record Placed(long segmentId, int offset, int end, long groupId, int write) {}

    private final List<Placed> placed = new ArrayList<>();

    @BeforeEach
    void writeLog() throws Exception {
        pristine = directory.resolve("pristine");
        work = directory.resolve("work");
        Random random = new Random(11);
        long[] next = new long[GROUPS + 1];
        try (LogEngine engine = LogEngine.open(config(pristine))) {
            for (int w = 0; w < WRITES; w++) {
                int group = 1 + w % GROUPS;
                // The last writes are small so that cutting at each of their offsets stays quick.
                byte[] data = new byte[w >= WRITES - 4 ? 8 + random.nextInt(24) : 20 + random.nextInt(300)];
                random.nextBytes(data);
                Entry entry = Entry.normal(1, ++next[group], data);
                writtenEntries.add(entry);
                writtenGroups.add(group);
                engine.group(group).append(List.of(entry));
            }
            segmentIds = engine.segmentIds();
        }
        int write = 0;
        for (long id : segmentIds) {
            ByteBuffer file = ByteBuffer.wrap(Files.readAllBytes(SegmentFiles.path(pristine.resolve("segments"), id)));
            RecordFormat.RecordHeader header = new RecordFormat.RecordHeader();
            int offset = SegmentHeader.BYTES;
            while (RecordFormat.parse(file, offset, file.capacity(), header) == RecordFormat.Outcome.VALID) {
                if (header.type == RecordType.ENTRIES) {
                    placed.add(new Placed(id, offset, header.endOffset(), header.groupId, write++));
                }
                offset = header.endOffset();
            }
        }
        assertThat(write).isEqualTo(WRITES);
        assertThat(segmentIds.size()).as("the log spans several segments").isGreaterThan(1);
    }

    private static LogEngineConfig config(Path dir) {
        return TestEngines.small(dir).withSegmentBytesMax(16 * 1024).withRelocation(0, 1000).withCacheBytesMax(0);
    }

    private Path lastSegment(Path root) {
        return SegmentFiles.path(root.resolve("segments"), segmentIds.get(segmentIds.size() - 1));
    }

    private void restore() throws IOException {
        if (Files.exists(work)) {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted((a, b) -> b.compareTo(a)).forEach(path -> path.toFile().delete());
            }
        }
        try (Stream<Path> files = Files.walk(pristine)) {
            for (Path source : files.toList()) {
                Files.copy(source, work.resolve(pristine.relativize(source).toString()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** Opens the damaged copy and checks each group holds exactly the writes that end before {@code cut}. */
    private void assertRecoversWritesEndingBefore(long cut) throws Exception {
        long lastId = segmentIds.get(segmentIds.size() - 1);
        try (LogEngine engine = LogEngine.open(config(work))) {
            List<List<Entry>> expected = new ArrayList<>();
            for (int g = 0; g <= GROUPS; g++) {
                expected.add(new ArrayList<>());
            }
            for (Placed record : placed) {
                if (record.segmentId() < lastId || record.end() <= cut) {
                    expected.get((int) record.groupId()).add(writtenEntries.get(record.write()));
                }
            }
            for (int g = 1; g <= GROUPS; g++) {
                GroupLog log = engine.group(g);
                assertThat(log.lastIndex()).as("group %d after cut at %d", g, cut).isEqualTo(expected.get(g).size());
                if (!expected.get(g).isEmpty()) {
                    assertThat(log.entries(1, log.lastIndex() + 1, Long.MAX_VALUE)).containsExactlyElementsOf(expected.get(g));
                }
            }
        }
    }

    private List<Placed> lastRecords(int count) {
        long lastId = segmentIds.get(segmentIds.size() - 1);
        List<Placed> inLast = placed.stream().filter(p -> p.segmentId() == lastId).toList();
        return inLast.subList(Math.max(0, inLast.size() - count), inLast.size());
    }

    @Test
    void cuttingTheLastSegmentAtEveryOffsetOfItsLastRecordsKeepsExactlyTheCompleteOnes() throws Exception {
        List<Placed> tail = lastRecords(3);
        for (int cut = tail.get(0).offset(); cut <= tail.get(tail.size() - 1).end(); cut++) {
            restore();
            try (FileChannel channel = FileChannel.open(lastSegment(work), StandardOpenOption.WRITE)) {
                channel.truncate(cut);
            }
            assertRecoversWritesEndingBefore(cut);
        }
    }

    @Test
    void zeroingTheTailOfThePreallocatedSegmentAtEveryOffsetKeepsExactlyTheCompleteOnes() throws Exception {
        List<Placed> tail = lastRecords(2);
        for (int cut = tail.get(0).offset(); cut <= tail.get(tail.size() - 1).end(); cut++) {
            restore();
            zero(lastSegment(work), cut, tail.get(tail.size() - 1).end());
            assertRecoversWritesEndingBefore(cut);
        }
    }

    @Test
    void randomCutsAnywhereInTheLastSegment() throws Exception {
        Random random = new Random(5);
        Placed first = placed.stream().filter(p -> p.segmentId() == segmentIds.get(segmentIds.size() - 1)).findFirst().orElseThrow();
        int end = lastRecords(1).get(0).end();
        for (int round = 0; round < 40; round++) {
            int cut = first.offset() + random.nextInt(end - first.offset() + 1);
            restore();
            try (FileChannel channel = FileChannel.open(lastSegment(work), StandardOpenOption.WRITE)) {
                channel.truncate(cut);
            }
            assertRecoversWritesEndingBefore(cut);
        }
    }

    @Test
    void aBitFlippedInTheLastRecordIsATornTail() throws Exception {
        Random random = new Random(9);
        Placed last = lastRecords(1).get(0);
        for (int round = 0; round < 30; round++) {
            restore();
            flipBit(lastSegment(work), last.offset() + random.nextInt(last.end() - last.offset()), random);
            assertRecoversWritesEndingBefore(last.offset());
        }
    }

    @Test
    void aBitFlippedInAnEarlierRecordOfTheLastSegmentStopsStartup() throws Exception {
        Random random = new Random(13);
        List<Placed> tail = lastRecords(6);
        for (int round = 0; round < 20; round++) {
            Placed victim = tail.get(random.nextInt(tail.size() - 1));
            restore();
            flipBit(lastSegment(work), victim.offset() + random.nextInt(victim.end() - victim.offset()), random);
            assertCorruptionReported(lastSegment(work), victim);
        }
    }

    @Test
    void aBitFlippedInASealedSegmentStopsStartup() throws Exception {
        Random random = new Random(17);
        List<Placed> sealed = placed.stream().filter(p -> p.segmentId() == segmentIds.get(0)).toList();
        for (int round = 0; round < 20; round++) {
            Placed victim = sealed.get(random.nextInt(sealed.size()));
            restore();
            Path file = SegmentFiles.path(work.resolve("segments"), victim.segmentId());
            flipBit(file, victim.offset() + random.nextInt(victim.end() - victim.offset()), random);
            assertCorruptionReported(file, victim);
        }
    }

    private void assertCorruptionReported(Path file, Placed victim) {
        assertThatThrownBy(() -> LogEngine.open(config(work)).close())
                .isInstanceOf(LogCorruptionException.class)
                .satisfies(e -> {
                    LogCorruptionException corruption = (LogCorruptionException) e;
                    assertThat(corruption.file()).isEqualTo(file);
                    assertThat(corruption.offsetBytes()).isEqualTo(victim.offset());
                    assertThat(corruption.getMessage()).contains(file.toString()).contains("offset " + victim.offset());
                });
    }

    @Test
    void afterATruncationNewWritesAndRestartsNeverResurrectDroppedBytes() throws Exception {
        Placed last = lastRecords(1).get(0);
        int cut = last.offset() + 7;
        restore();
        zero(lastSegment(work), cut, cut + 10);
        long[] lastIndex = new long[GROUPS + 1];
        try (LogEngine engine = LogEngine.open(config(work))) {
            assertThat(engine.recoveryRepairs()).hasSize(1).first().asString().contains("offset " + last.offset());
            engine.group(1).append(List.of(Entry.normal(2, engine.group(1).lastIndex() + 1, new byte[3])));
            for (int g = 1; g <= GROUPS; g++) {
                lastIndex[g] = engine.group(g).lastIndex();
            }
        }
        try (LogEngine engine = LogEngine.open(config(work))) {
            assertThat(engine.recoveryRepairs()).isEmpty();
            for (int g = 1; g <= GROUPS; g++) {
                assertThat(engine.group(g).lastIndex()).isEqualTo(lastIndex[g]);
            }
        }
    }

    @Test
    void aTornMultiRecordWriteIsDroppedWholeAndALaterTornWriteRecoversToo() throws Exception {
        Path dir = directory.resolve("multi");
        for (int round = 0; round < 3; round++) {
            try (LogEngine engine = LogEngine.open(config(dir))) {
                GroupLog log = engine.group(1);
                assertThat(log.lastIndex()).isEqualTo(round == 0 ? 0 : 2);
                if (round == 0) {
                    log.write(List.of(Entry.normal(1, 1, new byte[5])), new io.ostraka.raft.HardState(1, 1, 0)).join();
                    log.write(List.of(Entry.normal(1, 2, new byte[5])), new io.ostraka.raft.HardState(1, 1, 1)).join();
                } else {
                    assertThat(engine.recoveryRepairs()).hasSize(1);
                    assertThat(log.hardState()).isEqualTo(new io.ostraka.raft.HardState(1, 1, 1));
                }
                // Entries and hard state travel in one write: two records, the second closing it.
                log.write(List.of(Entry.normal(2, 3, new byte[5])), new io.ostraka.raft.HardState(2, 1, 2)).join();
            }
            Path file = SegmentFiles.path(dir.resolve("segments"), 1);
            ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
            RecordFormat.RecordHeader header = new RecordFormat.RecordHeader();
            int offset = SegmentHeader.BYTES;
            int lastStart = -1;
            while (RecordFormat.parse(bytes, offset, bytes.capacity(), header) == RecordFormat.Outcome.VALID) {
                lastStart = offset;
                offset = header.endOffset();
            }
            assertThat(header.type).isEqualTo(RecordType.HARD_STATE);
            zero(file, offset - 5, offset);
            assertThat(lastStart).isPositive();
        }
    }

    @Test
    void anUnknownSegmentVersionIsRefusedNamingTheFile() throws Exception {
        restore();
        Path file = lastSegment(work);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(SegmentHeader.encode(segmentIds.get(segmentIds.size() - 1), 99), 0);
        }
        assertThatThrownBy(() -> LogEngine.open(config(work)).close())
                .isInstanceOf(LogCorruptionException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("version 99");
    }

    @Test
    void aMissingSegmentStopsStartup() throws Exception {
        if (segmentIds.size() < 3) {
            return;
        }
        restore();
        Path missing = SegmentFiles.path(work.resolve("segments"), segmentIds.get(1));
        Files.delete(missing);
        assertThatThrownBy(() -> LogEngine.open(config(work)).close())
                .isInstanceOf(LogCorruptionException.class)
                .hasMessageContaining(missing.toString());
    }

    static void zero(Path file, long from, long to) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate((int) (to - from)), from);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void flipBit(Path file, long offset, Random random) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, offset);
            one.put(0, (byte) (one.get(0) ^ (1 << random.nextInt(8))));
            channel.write(one.rewind(), offset);
        }
    }
}
