package io.ostraka.kv.rocks;

import io.ostraka.kv.CorruptSnapshotException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * The manifest of a checkpoint snapshot: which files the RocksDB checkpoint consists of, with their
 * sizes and CRC32C, and the applied index it holds. A text file, so an operator can read it:
 * <pre>
 *   ostraka-kv-checkpoint 1
 *   applied-index 1234
 *   file 000012.sst 40960 1a2b3c4d
 *   file CURRENT 16 0badf00d
 *   ...
 *   crc32c 89abcdef          (of every byte above this line)
 * </pre>
 * Reading checks the header, the format version, every line's shape, file names (no paths) and the
 * trailing checksum; {@link #verifyFile} checks a file against its entry.
 */
record CheckpointManifest(long appliedIndex, List<FileDigest> files) {
    static final String FILE_NAME = "checkpoint.manifest";
    static final int FORMAT_VERSION = 1;
    private static final String HEADER = "ostraka-kv-checkpoint";
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    CheckpointManifest {
        files = List.copyOf(files);
    }

    /** One file of the checkpoint. */
    record FileDigest(String name, long sizeBytes, int crc32c) {}

    String render() {
        StringBuilder text = new StringBuilder();
        text.append(HEADER).append(' ').append(FORMAT_VERSION).append('\n');
        text.append("applied-index ").append(appliedIndex).append('\n');
        for (FileDigest file : files) {
            text.append("file ").append(file.name()).append(' ').append(file.sizeBytes()).append(' ')
                    .append(hex(file.crc32c())).append('\n');
        }
        int bodyCrc = crc(text.toString());
        text.append("crc32c ").append(hex(bodyCrc)).append('\n');
        return text.toString();
    }

    static CheckpointManifest read(Path manifestFile) throws IOException {
        byte[] bytes = Files.readAllBytes(manifestFile);
        String text = new String(bytes, StandardCharsets.UTF_8);
        int lastLine = text.lastIndexOf("crc32c ");
        if (lastLine < 0 || !text.endsWith("\n")) {
            throw corrupt(manifestFile, "no trailing crc32c line");
        }
        String body = text.substring(0, lastLine);
        int stored = parseHex(manifestFile, text.substring(lastLine + 7, text.length() - 1));
        if (stored != crc(body)) {
            throw corrupt(manifestFile, String.format(Locale.ROOT, "checksum mismatch: stored CRC32C 0x%08x, computed 0x%08x",
                    stored, crc(body)));
        }
        String[] lines = body.split("\n", -1);
        if (lines.length < 3 || !lines[0].equals(HEADER + " " + FORMAT_VERSION)) {
            throw corrupt(manifestFile, "unsupported header \"" + (lines.length > 0 ? lines[0] : "") + "\"");
        }
        long appliedIndex = parseLong(manifestFile, field(manifestFile, lines[1], "applied-index", 2)[1]);
        List<FileDigest> files = new ArrayList<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int i = 2; i < lines.length - 1; i++) {
            String[] parts = field(manifestFile, lines[i], "file", 4);
            if (!SAFE_NAME.matcher(parts[1]).matches()) {
                throw corrupt(manifestFile, "bad file name \"" + parts[1] + "\"");
            }
            if (!names.add(parts[1])) {
                throw corrupt(manifestFile, "file \"" + parts[1] + "\" listed twice");
            }
            files.add(new FileDigest(parts[1], parseLong(manifestFile, parts[2]), parseHex(manifestFile, parts[3])));
        }
        if (!lines[lines.length - 1].isEmpty()) {
            throw corrupt(manifestFile, "malformed last line");
        }
        return new CheckpointManifest(appliedIndex, files);
    }

    /** The size and CRC32C of {@code file}. */
    static FileDigest digest(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        long size = 0;
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                crc.update(buffer, 0, n);
                size += n;
            }
        }
        return new FileDigest(file.getFileName().toString(), size, (int) crc.getValue());
    }

    /** Throws {@link CorruptSnapshotException} unless {@code actual} matches this manifest's {@code expected}. */
    static void verifyFile(FileDigest expected, FileDigest actual) throws CorruptSnapshotException {
        if (expected.sizeBytes() != actual.sizeBytes() || expected.crc32c() != actual.crc32c()) {
            throw new CorruptSnapshotException(String.format(Locale.ROOT,
                    "checkpoint file %s is damaged: %d bytes with CRC32C 0x%08x, the manifest says %d bytes with 0x%08x",
                    expected.name(), actual.sizeBytes(), actual.crc32c(), expected.sizeBytes(), expected.crc32c()));
        }
    }

    private static String[] field(Path manifestFile, String line, String name, int parts) throws CorruptSnapshotException {
        String[] split = line.split(" ", -1);
        if (split.length != parts || !split[0].equals(name)) {
            throw corrupt(manifestFile, "expected a \"" + name + "\" line, found \"" + line + "\"");
        }
        return split;
    }

    private static long parseLong(Path manifestFile, String text) throws CorruptSnapshotException {
        try {
            long value = Long.parseLong(text);
            if (value < 0) {
                throw corrupt(manifestFile, "negative number " + text);
            }
            return value;
        } catch (NumberFormatException e) {
            throw corrupt(manifestFile, "bad number \"" + text + "\"");
        }
    }

    private static int parseHex(Path manifestFile, String text) throws CorruptSnapshotException {
        if (text.length() != 8) {
            throw corrupt(manifestFile, "bad checksum \"" + text + "\"");
        }
        try {
            return Integer.parseUnsignedInt(text, 16);
        } catch (NumberFormatException e) {
            throw corrupt(manifestFile, "bad checksum \"" + text + "\"");
        }
    }

    private static int crc(String text) {
        CRC32C crc = new CRC32C();
        crc.update(text.getBytes(StandardCharsets.UTF_8));
        return (int) crc.getValue();
    }

    private static String hex(int value) {
        return String.format(Locale.ROOT, "%08x", value);
    }

    private static CorruptSnapshotException corrupt(Path manifestFile, String problem) {
        return new CorruptSnapshotException("corrupt checkpoint manifest " + manifestFile + ": " + problem);
    }
}
