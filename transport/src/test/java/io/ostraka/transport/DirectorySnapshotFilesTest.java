package io.ostraka.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ostraka.transport.SnapshotFiles.SnapshotFile;
import io.ostraka.transport.SnapshotFiles.StoredSnapshot;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves the directory layout root/group/term-index, atomic commit via a .tmp rename, abort, name
 * checks, and that two transfers of one snapshot keep apart and the first commit stays.
 */
class DirectorySnapshotFilesTest {
    @TempDir
    Path root;

    @Test
    void commitPublishesTheDirectoryAtomically() throws Exception {
        DirectorySnapshotFiles store = new DirectorySnapshotFiles(root);
        SnapshotFiles.Writer w = store.begin(7, 3, 120);
        Files.writeString(w.directory().resolve("data"), "hello");
        Files.createDirectories(w.directory().resolve("sub"));
        Files.writeString(w.directory().resolve("sub/more"), "world!");
        assertThat(w.directory().getFileName().toString()).matches("3-120\\.[0-9]+\\.tmp");
        assertThat(store.list(7)).isEmpty();
        assertThat(store.find(7, 3, 120)).isEmpty();

        StoredSnapshot s = w.commit();
        assertThat(s.directory()).isEqualTo(root.resolve("7").resolve("3-120"));
        assertThat(s.files()).containsExactly(new SnapshotFile("data", 5), new SnapshotFile("sub/more", 6));
        assertThat(s.totalBytes()).isEqualTo(11);
        assertThat(store.find(7, 3, 120)).contains(s);
        assertThat(Files.exists(w.directory())).isFalse();
        try (InputStream in = store.open(s, "sub/more")) {
            assertThat(new String(in.readAllBytes())).isEqualTo("world!");
        }
    }

    @Test
    void abortLeavesNothingAndListIsSorted() throws Exception {
        DirectorySnapshotFiles store = new DirectorySnapshotFiles(root);
        SnapshotFiles.Writer aborted = store.begin(1, 2, 50);
        Files.writeString(aborted.directory().resolve("x"), "x");
        aborted.abort();
        assertThat(Files.exists(aborted.directory())).isFalse();
        store.begin(1, 2, 20).commit();
        store.begin(1, 3, 90).commit();
        store.begin(1, 2, 30).commit();
        assertThat(store.list(1)).extracting(StoredSnapshot::index).containsExactly(20L, 30L, 90L);
        assertThat(store.list(2)).isEmpty();
    }

    @Test
    void twoTransfersOfOneSnapshotKeepApartAndTheFirstCommitStays() throws Exception {
        DirectorySnapshotFiles store = new DirectorySnapshotFiles(root);
        SnapshotFiles.Writer first = store.begin(7, 3, 120);
        Files.writeString(first.directory().resolve("data"), "first");
        SnapshotFiles.Writer second = store.begin(7, 3, 120); // another sender, same term and index
        assertThat(second.directory()).isNotEqualTo(first.directory());
        assertThat(Files.readString(first.directory().resolve("data"))).as("untouched by the second begin")
                .isEqualTo("first");
        Files.writeString(second.directory().resolve("data"), "second");

        StoredSnapshot committed = first.commit();
        StoredSnapshot again = second.commit();
        assertThat(again.directory()).isEqualTo(committed.directory());
        assertThat(Files.readString(committed.directory().resolve("data"))).isEqualTo("first");
        assertThat(Files.exists(second.directory())).isFalse();
    }

    @Test
    void aLeftoverTemporaryDirectoryIsDeletedByTheNextBeginOfItsSnapshot() throws Exception {
        Path leftover = Files.createDirectories(root.resolve("7").resolve("3-120.5.tmp"));
        Files.writeString(leftover.resolve("data"), "from a crashed process");
        DirectorySnapshotFiles store = new DirectorySnapshotFiles(root);
        SnapshotFiles.Writer w = store.begin(7, 3, 120);
        assertThat(Files.exists(leftover)).isFalse();
        assertThat(Files.exists(w.directory())).isTrue();
    }

    @Test
    void fileNamesMustStayInsideTheSnapshot() {
        for (String bad : new String[] {"", "/etc/passwd", "../x", "a/../../b", "a//b", "./a", "a\\b"}) {
            assertThatThrownBy(() -> SnapshotFiles.checkFileName(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(SnapshotFiles.checkFileName("a/b.sst")).isEqualTo("a/b.sst");
    }
}
