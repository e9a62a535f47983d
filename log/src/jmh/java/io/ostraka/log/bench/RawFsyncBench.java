package io.ostraka.log.bench;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.HdrHistogram.Histogram;

/**
 * The hardware ceiling: one thread writing 4 KiB and calling {@code fdatasync}
 * ({@code FileChannel.force(false)}) in a loop, into a preallocated (zero-filled, fsynced) file
 * and, for comparison, appending to a fresh empty file. With {@code threads} above one, that many
 * threads do the preallocated loop at once, each on its own file: what the three nodes of a
 * local cluster sharing one disk do for every write.
 */
final class RawFsyncBench {
    private static final int BLOCK_BYTES = 4096;
    private static final long FILE_BYTES = 256L << 20;

    private RawFsyncBench() {}

    static String run(Path directory, double seconds, int threads) throws Exception {
        if (threads > 1) {
            return concurrent(directory, seconds, threads);
        }
        Path preallocated = preallocate(directory.resolve("raw-preallocated"));
        String overwrite = format("preallocated overwrite", loop(preallocated, seconds), seconds);
        Path appended = directory.resolve("raw-append");
        Files.deleteIfExists(appended);
        Files.createFile(appended);
        String append = format("append to empty file", loop(appended, seconds), seconds);
        return overwrite + "\n" + append;
    }

    private static String concurrent(Path directory, double seconds, int threads) throws Exception {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            files.add(preallocate(directory.resolve("raw-preallocated-" + i)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Histogram>> runs = new ArrayList<>();
            for (Path file : files) {
                runs.add(pool.submit(() -> loop(file, seconds)));
            }
            Histogram all = new Histogram(60_000_000L, 3);
            for (Future<Histogram> run : runs) {
                all.add(run.get());
            }
            return format("preallocated overwrite, " + threads + " files at once", all, seconds);
        } finally {
            pool.shutdownNow();
        }
    }

    private static Path preallocate(Path file) throws Exception {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
            for (long at = 0; at < FILE_BYTES; at += zeros.capacity()) {
                channel.write(zeros.clear(), at);
            }
            channel.force(true);
        }
        return file;
    }

    private static Histogram loop(Path file, double seconds) throws Exception {
        Histogram latencyMicros = new Histogram(60_000_000L, 3);
        ByteBuffer block = ByteBuffer.allocateDirect(BLOCK_BYTES);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            long end = System.nanoTime() + (long) (seconds * 1e9);
            long position = 0;
            while (System.nanoTime() < end && position + BLOCK_BYTES <= FILE_BYTES) {
                long start = System.nanoTime();
                channel.write(block.clear(), position);
                channel.force(false);
                latencyMicros.recordValue(Math.max(1, (System.nanoTime() - start) / 1000));
                position += BLOCK_BYTES;
            }
        }
        return latencyMicros;
    }

    private static String format(String name, Histogram latencyMicros, double seconds) {
        return String.format(Locale.ROOT, "| raw 4 KiB write+fdatasync, %s | %,.0f | %d | %d | %d |", name,
                latencyMicros.getTotalCount() / seconds, latencyMicros.getValueAtPercentile(50),
                latencyMicros.getValueAtPercentile(99), latencyMicros.getValueAtPercentile(99.9));
    }
}
