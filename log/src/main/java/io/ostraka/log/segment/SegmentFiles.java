package io.ostraka.log.segment;

import java.nio.file.Path;
import java.util.Locale;

/** Names of the files in the segment directory: {@code <20-digit id>.seg}, spares {@code *.tmp}. */
public final class SegmentFiles {
    public static final String SUFFIX = ".seg";
    public static final String TEMP_SUFFIX = ".tmp";

    private SegmentFiles() {}

    public static Path path(Path directory, long segmentId) {
        return directory.resolve(String.format(Locale.ROOT, "%020d%s", segmentId, SUFFIX));
    }

    public static Path sparePath(Path directory, long spareNumber) {
        return directory.resolve(String.format(Locale.ROOT, "spare-%020d%s", spareNumber, TEMP_SUFFIX));
    }

    /** The segment id a file name encodes, or -1 when it is not a segment file. */
    public static long idOf(Path file) {
        String name = file.getFileName().toString();
        if (!name.endsWith(SUFFIX) || name.length() != 20 + SUFFIX.length()) {
            return -1;
        }
        try {
            return Long.parseLong(name.substring(0, 20));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    public static boolean isTemporary(Path file) {
        return file.getFileName().toString().endsWith(TEMP_SUFFIX);
    }
}
