package io.ostraka.log.bench;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * The hardware ceiling: one thread writing 4 KiB and calling {@code fdatasync}
 * ({@code FileChannel.force(false)}) in a loop, into a preallocated (zero-filled, fsynced) file
 * and, for comparison, appending to a fresh empty file.
 */
final class RawFsyncBench {
    private static final int BLOCK_BYTES = 4096;

    private RawFsyncBench() {}

    static String run(Path directory, double seconds) throws Exception {
        long fileBytes = 256L << 20;
        Path preallocated = directory.resolve("raw-preallocated");
        try (FileChannel channel = FileChannel.open(preallocated, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
            for (long at = 0; at < fileBytes; at += zeros.capacity()) {
                channel.write(zeros.clear(), at);
            }
            channel.force(true);
        }
        String overwrite = loop("preallocated overwrite", preallocated, seconds, fileBytes);
        Path appended = directory.resolve("raw-append");
        Files.deleteIfExists(appended);
        Files.createFile(appended);
        String append = loop("append to empty file", appended, seconds, fileBytes);
        return overwrite + "\n" + append;
    }

    private static String loop(String name, Path file, double seconds, long fileBytes) throws Exception {
        Histogram latencyMicros = new Histogram(60_000_000L, 3);
        ByteBuffer block = ByteBuffer.allocateDirect(BLOCK_BYTES);
        long ops = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            long end = System.nanoTime() + (long) (seconds * 1e9);
            long position = 0;
            while (System.nanoTime() < end && position + BLOCK_BYTES <= fileBytes) {
                long start = System.nanoTime();
                channel.write(block.clear(), position);
                channel.force(false);
                latencyMicros.recordValue(Math.max(1, (System.nanoTime() - start) / 1000));
                position += BLOCK_BYTES;
                ops++;
            }
            double elapsed = seconds - Math.max(0, (end - System.nanoTime()) / 1e9);
            return String.format(Locale.ROOT, "| raw 4 KiB write+fdatasync, %s | %,.0f | %d | %d | %d |", name,
                    ops / elapsed, latencyMicros.getValueAtPercentile(50), latencyMicros.getValueAtPercentile(99),
                    latencyMicros.getValueAtPercentile(99.9));
        }
    }
}
