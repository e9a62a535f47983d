package io.ostraka.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The config file reader: a byte order mark some editors write is not part of the first name. */
class YamlConfigTest {
    @TempDir
    Path dir;

    @Test
    void aByteOrderMarkIsSkipped() throws Exception {
        Path file = dir.resolve("ostraka.yaml");
        Files.write(file, ("\uFEFFnode_id: 1\ndata_dir: \"/var/lib/ostraka\"  # quoted\n").getBytes(StandardCharsets.UTF_8));
        assertThat(YamlConfig.read(file)).containsEntry("node_id", "1").containsEntry("data_dir", "/var/lib/ostraka");
    }
}
