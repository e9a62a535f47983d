package io.ostraka.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ostraka.sim.history.History;
import io.ostraka.transport.NettyIo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real server processes on loopback under a client workload (RESP, every node): the
 * leader is SIGKILLed and restarted, a follower is SIGSTOPped and resumed. The recorded history
 * (the simulator's format) must be linearizable — which includes that no acknowledged write was
 * lost — and the cluster must serve again afterwards. Node 3 runs on Netty's NIO transport, the
 * others on native epoll where the platform has it, so the two are exercised together.
 */
class ClusterProcessTest {
    @TempDir
    Path dir;

    @Test
    void killAndPauseUnderLoadLosesNothingAndStaysLinearizable() throws Exception {
        try (ProcessCluster cluster = new ProcessCluster(dir, 3, List.of("-Xmx256m"),
                Map.of(3L, List.of("-Dostraka.netty.nio=true")), "--storage", "rocksdb")) {
            long leader = cluster.awaitLeader(Duration.ofSeconds(60));
            RespWorkload workload = new RespWorkload(cluster, new ArrayList<>(cluster.ports.keySet()), 4).start();
            ProcessCluster.await(() -> workload.opsDone() > 40, Duration.ofSeconds(60), "a first batch of operations");

            cluster.kill(leader); // SIGKILL: no graceful anything
            long second = cluster.awaitLeader(Duration.ofSeconds(30));
            int before = workload.opsDone();
            ProcessCluster.await(() -> workload.opsDone() > before + 30, Duration.ofSeconds(60), "progress under the new leader");
            cluster.start(leader);

            long follower = cluster.ports.keySet().stream().filter(id -> id != second && cluster.processes.containsKey(id)).findFirst().orElseThrow();
            cluster.signal(follower, "STOP");
            int paused = workload.opsDone();
            ProcessCluster.await(() -> workload.opsDone() > paused + 30, Duration.ofSeconds(60), "progress with a follower paused");
            cluster.signal(follower, "CONT");
            int resumed = workload.opsDone();
            ProcessCluster.await(() -> workload.opsDone() > resumed + 30, Duration.ofSeconds(60), "progress after the resume");

            History h = workload.stopAndCheck(dir.resolve("history.jsonl"), second);
            assertThat(h.operations().size()).isGreaterThan(120);
            assertThat(Files.readString(dir.resolve("node-3.log"))).contains(" io nio");
            assertThat(Files.readString(dir.resolve("node-1.log"))).contains(NettyIo.nativeEpoll() ? " io epoll" : " io nio");
        }
    }
}
