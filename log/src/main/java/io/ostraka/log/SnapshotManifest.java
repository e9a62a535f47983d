package io.ostraka.log;

import io.ostraka.raft.ConfState;
import io.ostraka.raft.Invariants;
import io.ostraka.raft.SnapshotMetadata;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The {@code MANIFEST} of a snapshot directory: a UTF-8 text file, one {@code key value} per
 * line, closed by a {@code crc32c} line over every byte before it. Text keeps it inspectable by
 * an operator with {@code cat}; the checksum keeps a damaged one from being trusted.
 *
 * <pre>
 * ostraka-snapshot 1
 * group 7
 * index 1200
 * term 3
 * voters 1,2,3
 * learners
 * voters-outgoing
 * learners-next
 * auto-leave false
 * file state.bin 52311 9f3a00c1
 * crc32c 5b1e77d0
 * </pre>
 */
public record SnapshotManifest(long groupId, SnapshotMetadata metadata, List<FileEntry> files) {
    public static final String FILE_NAME = "MANIFEST";
    public static final int VERSION = 1;

    public SnapshotManifest {
        files = List.copyOf(files);
    }

    /** One data file: name, size and CRC32C of its contents. */
    public record FileEntry(String name, long sizeBytes, int crc32c) {
        public FileEntry {
            // Relative '/'-separated paths inside the snapshot directory; no escaping it.
            Invariants.check(!name.isEmpty() && !name.contains(" ") && !name.startsWith("/") && !name.contains("\\")
                    && !name.contains("//") && !name.endsWith("/") && !("/" + name + "/").contains("/../")
                    && !("/" + name + "/").contains("/./"), "bad snapshot file name '%s'", name);
        }
    }

    public byte[] encode() {
        StringBuilder out = new StringBuilder();
        out.append("ostraka-snapshot ").append(VERSION).append('\n');
        out.append("group ").append(groupId).append('\n');
        out.append("index ").append(metadata.index()).append('\n');
        out.append("term ").append(metadata.term()).append('\n');
        ConfState conf = metadata.conf();
        out.append("voters ").append(ids(conf.voters())).append('\n');
        out.append("learners ").append(ids(conf.learners())).append('\n');
        out.append("voters-outgoing ").append(ids(conf.votersOutgoing())).append('\n');
        out.append("learners-next ").append(ids(conf.learnersNext())).append('\n');
        out.append("auto-leave ").append(conf.autoLeave()).append('\n');
        for (FileEntry file : files) {
            out.append(String.format(Locale.ROOT, "file %s %d %08x%n", file.name(), file.sizeBytes(), file.crc32c()));
        }
        byte[] body = out.toString().getBytes(StandardCharsets.UTF_8);
        String crcLine = String.format(Locale.ROOT, "crc32c %08x%n", crc(body, body.length));
        byte[] all = new byte[body.length + crcLine.length()];
        System.arraycopy(body, 0, all, 0, body.length);
        System.arraycopy(crcLine.getBytes(StandardCharsets.UTF_8), 0, all, body.length, crcLine.length());
        return all;
    }

    private static String ids(Set<Long> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    private static int crc(byte[] bytes, int length) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }

    /** Reads and checks a manifest; damage is reported as {@link LogCorruptionException} naming the file. */
    public static SnapshotManifest read(Path path) throws IOException {
        byte[] bytes = Files.readAllBytes(path);
        String text = new String(bytes, StandardCharsets.UTF_8);
        int crcAt = text.lastIndexOf("crc32c ");
        if (crcAt < 0 || !text.endsWith("\n")) {
            throw new LogCorruptionException(path, 0, -1, "snapshot manifest has no checksum line");
        }
        int bodyBytes = text.substring(0, crcAt).getBytes(StandardCharsets.UTF_8).length;
        int expected = (int) Long.parseLong(text.substring(crcAt + 7).trim(), 16);
        if (crc(bytes, bodyBytes) != expected) {
            throw new LogCorruptionException(path, 0, -1, "snapshot manifest checksum mismatch");
        }
        try {
            return parse(text.substring(0, crcAt));
        } catch (RuntimeException e) {
            throw new LogCorruptionException(path, 0, -1, "unreadable snapshot manifest: " + e.getMessage());
        }
    }

    private static SnapshotManifest parse(String body) {
        String[] lines = body.split("\n");
        Invariants.check(lines[0].equals("ostraka-snapshot " + VERSION), "unknown manifest header '%s'", lines[0]);
        long group = Long.parseLong(value(lines[1], "group"));
        long index = Long.parseLong(value(lines[2], "index"));
        long term = Long.parseLong(value(lines[3], "term"));
        ConfState conf = new ConfState(parseIds(value(lines[4], "voters")), parseIds(value(lines[5], "learners")),
                parseIds(value(lines[6], "voters-outgoing")), parseIds(value(lines[7], "learners-next")),
                Boolean.parseBoolean(value(lines[8], "auto-leave")));
        List<FileEntry> files = new ArrayList<>();
        for (int k = 9; k < lines.length; k++) {
            String[] parts = value(lines[k], "file").split(" ");
            files.add(new FileEntry(parts[0], Long.parseLong(parts[1]), (int) Long.parseLong(parts[2], 16)));
        }
        return new SnapshotManifest(group, new SnapshotMetadata(index, term, conf), files);
    }

    private static String value(String line, String key) {
        Invariants.check(line.startsWith(key + " "), "expected '%s' in manifest line '%s'", key, line);
        return line.substring(key.length() + 1);
    }

    private static Set<Long> parseIds(String text) {
        Set<Long> ids = new TreeSet<>();
        for (String id : text.split(",")) {
            if (!id.isEmpty()) {
                ids.add(Long.parseLong(id));
            }
        }
        return ids;
    }

}
