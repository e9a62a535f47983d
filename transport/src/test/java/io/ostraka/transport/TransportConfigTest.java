package io.ostraka.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Proves the defaults the docs promise and that bad settings fail fast, naming the setting. */
class TransportConfigTest {
    private static TransportConfig.Builder builder() {
        return TransportConfig.builder(1, "c").snapshotFiles(new DirectorySnapshotFiles(Path.of("unused")));
    }

    @Test
    void defaults() {
        TransportConfig c = builder().build();
        assertThat(c.port()).isEqualTo(7379).isEqualTo(TransportConfig.DEFAULT_PORT);
        assertThat(c.sendQueueMessagesMax()).isEqualTo(4096);
        assertThat(c.sendQueueBytesMax()).isEqualTo(64L << 20);
        assertThat(c.backoffBase()).isEqualTo(Duration.ofMillis(50));
        assertThat(c.backoffMax()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.forwardDeadline()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.snapshotChunkBytes()).isEqualTo(1 << 20);
        assertThat(c.snapshotBytesPerSecond()).isZero();
        assertThat(c.security().toString()).isEqualTo("plaintext");
    }

    @Test
    void badSettingsAreRefusedByName() {
        assertThatThrownBy(() -> TransportConfig.builder(0, "c").snapshotFiles(builder().build().snapshotFiles()).build())
                .hasMessageContaining("nodeId=0");
        assertThatThrownBy(() -> builder().port(70000).build()).hasMessageContaining("port=70000");
        assertThatThrownBy(() -> TransportConfig.builder(1, "").snapshotFiles(builder().build().snapshotFiles())
                .build()).hasMessageContaining("clusterId");
        assertThatThrownBy(() -> builder().sendQueueMessagesMax(0).build()).hasMessageContaining("sendQueueMessagesMax");
        assertThatThrownBy(() -> builder().snapshotChunkBytes(64 << 20).build()).hasMessageContaining("snapshotChunkBytes");
        assertThatThrownBy(() -> builder().forwardDeadline(Duration.ZERO).build()).hasMessageContaining("forwardDeadline");
        assertThatThrownBy(() -> TransportConfig.builder(1, "c").build()).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("snapshotFiles");
    }
}
