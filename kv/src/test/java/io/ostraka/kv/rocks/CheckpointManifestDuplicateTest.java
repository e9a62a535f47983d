package io.ostraka.kv.rocks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ostraka.kv.CorruptSnapshotException;
import io.ostraka.kv.KvCommand;
import io.ostraka.kv.KvConfig;
import io.ostraka.kv.KvStateMachine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint manifest (with a valid checksum) that lists one file twice is corrupt, and says so
 * (it used to pass the listed-files check, a set, and fail on the second copy with a raw
 * FileAlreadyExistsException).
 */
class CheckpointManifestDuplicateTest {
    @TempDir
    Path dir;

    @Test
    void aManifestListingAFileTwiceIsRefusedAsCorrupt() throws Exception {
        Path snapshot = Files.createDirectories(dir.resolve("snap"));
        try (KvStateMachine original = KvStateMachine.onRocksDb(KvConfig.DEFAULT, dir.resolve("original"))) {
            original.apply(1, KvCommand.put("k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8)));
            original.snapshotTo(snapshot);
        }
        Path manifestFile = snapshot.resolve(CheckpointManifest.FILE_NAME);
        CheckpointManifest manifest = CheckpointManifest.read(manifestFile);
        List<CheckpointManifest.FileDigest> files = new ArrayList<>(manifest.files());
        files.add(files.get(0)); // the same file listed twice, checksum recomputed
        Files.writeString(manifestFile, new CheckpointManifest(manifest.appliedIndex(), files).render());

        try (KvStateMachine target = KvStateMachine.onRocksDb(KvConfig.DEFAULT, dir.resolve("target"))) {
            assertThatThrownBy(() -> target.restoreFrom(1, snapshot)).isInstanceOf(CorruptSnapshotException.class)
                    .hasMessageContaining(files.get(0).name());
            assertThat(target.appliedIndex()).isZero();
        }
    }
}
