package io.ostraka.log.segment;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The seam between the log engine and the file system: every open, write, force, rename and
 * delete the engine performs goes through here, so tests can inject disk-full and I/O errors
 * (the fault-injecting implementation lives in src/test only). {@link NioFileIo} is the real one.
 */
public interface FileIo {
    /** Opens (creating when {@code create}) a file for reading and writing. */
    FileHandle open(Path path, boolean create) throws IOException;

    /** Opens an existing file for reading only. */
    FileHandle openReadOnly(Path path) throws IOException;

    /** Makes a directory's entries (creates, renames, deletes) durable. */
    void forceDirectory(Path directory) throws IOException;

    /**
     * Atomically renames {@code from} to {@code to}. Like rename(2), a file at {@code to} is
     * replaced (a non-empty directory is not): callers that must not replace check first.
     */
    void rename(Path from, Path to) throws IOException;

    void delete(Path path) throws IOException;

    void createDirectories(Path directory) throws IOException;

    /**
     * {@link #createDirectories}, then makes each directory it created durable in its parent
     * (forcing the parent), so that what is later written below survives a crash: a new
     * directory entry is only durable once its parent directory is forced.
     */
    default void createDirectoriesDurably(Path directory) throws IOException {
        List<Path> created = new java.util.ArrayList<>();
        for (Path p = directory.toAbsolutePath(); p != null && !java.nio.file.Files.exists(p); p = p.getParent()) {
            created.add(p);
        }
        createDirectories(directory);
        for (Path p : created) {
            if (p.getParent() != null) {
                forceDirectory(p.getParent());
            }
        }
    }

    /** The regular files and directories directly inside {@code directory}, sorted by name. */
    List<Path> list(Path directory) throws IOException;
}
