package io.ostraka.log;

import io.ostraka.log.segment.FileHandle;
import io.ostraka.log.segment.FileIo;
import io.ostraka.log.segment.NioFileIo;
import io.ostraka.log.segment.SegmentFiles;
import io.ostraka.log.segment.SegmentHeader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The operator's repair command: truncates the log explicitly at a named segment file and
 * offset, after recovery refused to start because of corruption it could not attribute to a
 * torn write ({@link LogCorruptionException} names the file and offset to pass here).
 *
 * <pre>
 * java -cp ostraka-log.jar:ostraka-raft.jar io.ostraka.log.LogRepair \
 *      &lt;segment-file&gt; &lt;offset&gt; [--drop-later-segments]
 * </pre>
 *
 * Everything from {@code offset} to the end of the file is zeroed and fsynced, so that file
 * becomes the last segment. Later segments would then follow a hole, so the command refuses to
 * run unless {@code --drop-later-segments} is given, in which case they are deleted (newest first,
 * before the zeroing, so that a crash part way leaves the same repair to run again). This drops
 * data, possibly acknowledged data: the node should rejoin its groups and catch up from a
 * leader (or a snapshot). Exit status 0 on success, 2 on a usage error.
 */
public final class LogRepair {
    private LogRepair() {}

    public static void main(String[] args) throws IOException {
        int status = run(args, NioFileIo.INSTANCE, System.out);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Runs the command; returns the exit status. */
    public static int run(String[] args, FileIo fileIo, PrintStream out) throws IOException {
        if (args.length < 2 || args.length > 3 || (args.length == 3 && !args[2].equals("--drop-later-segments"))) {
            out.println("usage: LogRepair <segment-file> <offset> [--drop-later-segments]");
            return 2;
        }
        Path file = Path.of(args[0]).toAbsolutePath();
        long offset = Long.parseLong(args[1]);
        long id = SegmentFiles.idOf(file);
        if (id < 0) {
            out.println(file + " is not a segment file (expected <20 digits>" + SegmentFiles.SUFFIX + ")");
            return 2;
        }
        List<Path> later = new ArrayList<>();
        for (Path other : fileIo.list(file.getParent())) {
            if (SegmentFiles.idOf(other) > id) {
                later.add(other);
            }
        }
        if (!later.isEmpty() && args.length < 3) {
            out.println(later.size() + " later segment(s) follow " + file.getFileName()
                    + "; pass --drop-later-segments to delete them too");
            return 2;
        }
        long size;
        try (FileHandle handle = fileIo.openReadOnly(file)) {
            size = handle.size();
        }
        if (offset < SegmentHeader.BYTES || offset > size) {
            out.println("offset " + offset + " is outside the records of " + file + " [" + SegmentHeader.BYTES + ", " + size + "]");
            return 2;
        }
        // Newest first, and all of them before the file is zeroed: a crash part way leaves the
        // named segment followed by a contiguous run of its successors, so recovery refuses at
        // the same file and offset and the same command finishes the job.
        later.sort(Comparator.comparingLong(SegmentFiles::idOf).reversed());
        for (Path other : later) {
            fileIo.delete(other);
            out.println("deleted " + other);
        }
        fileIo.forceDirectory(file.getParent());
        try (FileHandle handle = fileIo.open(file, false)) {
            ByteBuffer zeros = ByteBuffer.allocate(1 << 20);
            for (long at = offset; at < size; at += zeros.capacity()) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), size - at));
                handle.writeFully(zeros, at);
            }
            handle.force();
            out.println("zeroed " + file + " from offset " + offset + " to " + size);
        }
        return 0;
    }
}
