package io.ostraka.example;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The embedding guide's example runs as written, and the guide shows the file as it is. */
class ConfigRegistryTest {
    @Test
    void theExampleRunsAndEveryNodeReadsTheValue() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            ConfigRegistry.main(new String[0]);
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("node 1: feature.checkout = on", "node 2: feature.checkout = on", "node 3: feature.checkout = on");
    }

    @Test
    void theGuideQuotesTheExampleVerbatim() throws Exception {
        Path root = Path.of(System.getProperty("user.dir")).getParent();
        String guide = Files.readString(root.resolve("docs/embedding.md"));
        String source = Files.readString(Path.of("src/test/java/io/ostraka/example/ConfigRegistry.java"));
        assertThat(guide).contains(source.strip());
    }
}
