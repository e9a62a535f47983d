package io.ostraka.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.ostraka.api.ClientApi;
import io.ostraka.api.kv.v1.AdminGrpc;
import io.ostraka.api.kv.v1.LeaderTransferRequest;
import io.ostraka.api.kv.v1.Member;
import io.ostraka.api.kv.v1.MemberListRequest;
import io.ostraka.api.kv.v1.MemberPromoteRequest;
import io.ostraka.api.kv.v1.MemberRemoveRequest;
import io.ostraka.api.kv.v1.SnapshotRequest;
import io.ostraka.kv.KvCommand;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Growing and shrinking a cluster of real servers (in one JVM, real sockets) through the Admin
 * gRPC service: a node started with --join is added as a learner, catches up and is promoted;
 * promoting a node that is not a learner is refused; leadership moves on request; a voter is
 * removed; a snapshot is taken on demand. A learner an operator added, started with --join, stays
 * a learner until the operator promotes it.
 */
class MembershipAdminTest {
    @TempDir
    Path dir;

    private final Set<Integer> used = new HashSet<>();
    private final TreeMap<Long, int[]> ports = new TreeMap<>();

    private int freePort() throws Exception {
        while (true) {
            try (ServerSocket s = new ServerSocket(0)) {
                if (used.add(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            }
        }
    }

    private ServerConfig config(long id, String members, String join, String... extraFlags) {
        int[] p = ports.get(id);
        List<String> flags = new ArrayList<>(List.of("--node-id", Long.toString(id), "--data-dir", dir.resolve("n" + id).toString(),
                "--storage", "memory", "--profile", "low-latency",
                "--resp-listen", "127.0.0.1:" + p[0], "--peer-listen", "127.0.0.1:" + p[1],
                "--grpc-listen", "127.0.0.1:" + p[2], "--http-listen", "127.0.0.1:" + p[3]));
        if (join != null) {
            flags.addAll(List.of("--join", join));
        } else {
            flags.addAll(List.of("--initial-members", members));
        }
        flags.addAll(List.of(extraFlags));
        return ServerConfig.load(Map.of(), Map.of(), flags);
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    @Test
    void joinPromoteTransferRemoveAndSnapshotThroughTheAdminService() throws Exception {
        for (long id = 1; id <= 4; id++) {
            ports.put(id, new int[] {freePort(), freePort(), freePort(), freePort()});
        }
        String members = "1=127.0.0.1:" + ports.get(1L)[1] + ",2=127.0.0.1:" + ports.get(2L)[1] + ",3=127.0.0.1:" + ports.get(3L)[1];
        TreeMap<Long, OstrakaServer> servers = new TreeMap<>();
        List<ManagedChannel> channels = new ArrayList<>();
        try {
            for (long id = 1; id <= 3; id++) {
                servers.put(id, OstrakaServer.start(config(id, members, null)));
            }
            long leader = servers.get(1L).group().awaitLeader(Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS);
            servers.get(leader).kv().write(KvCommand.put("k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8)))
                    .get(20, TimeUnit.SECONDS);

            // Node 4 joins through node 1, whichever node leads: redirects are followed.
            servers.put(4L, OstrakaServer.start(config(4, null, "127.0.0.1:" + ports.get(1L)[2])));
            await(() -> servers.get(leader).group().status().conf().voters().contains(4L), "node 4 to become a voter");
            await(() -> servers.get(4L).group().status().applied() >= 4, "node 4 to apply the log");

            ManagedChannel channel = NettyChannelBuilder.forTarget("127.0.0.1:" + ports.get(leader)[2]).usePlaintext().build();
            channels.add(channel);
            AdminGrpc.AdminBlockingStub admin = AdminGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
            List<Member> listed = admin.memberList(MemberListRequest.getDefaultInstance()).getMembersList();
            assertThat(listed).extracting(Member::getId).containsExactly(1L, 2L, 3L, 4L);
            assertThat(listed).allMatch(Member::getVoter);
            assertThat(listed.get(3).getClientAddress()).isEqualTo("127.0.0.1:" + ports.get(4L)[2]);

            assertThatThrownBy(() -> admin.memberPromote(MemberPromoteRequest.newBuilder().setId(2).build()))
                    .isInstanceOf(StatusRuntimeException.class).hasMessageContaining("is not a learner");

            assertThat(admin.snapshot(SnapshotRequest.getDefaultInstance()).getIndex()).isPositive();

            admin.leaderTransfer(LeaderTransferRequest.newBuilder().setTargetId(4).build());
            assertThat(servers.get(4L).group().isLeader()).isTrue();

            // The old leader now redirects: the error names the new leader's client address.
            StatusRuntimeException redirect = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                    () -> admin.memberRemove(MemberRemoveRequest.newBuilder().setId(leader == 1 ? 2 : 1).build()));
            assertThat(ClientApi.errorInfo(redirect).getCode()).isEqualTo("NOT_LEADER");
            assertThat(ClientApi.errorInfo(redirect).getLeaderAddress()).isEqualTo("127.0.0.1:" + ports.get(4L)[2]);

            ManagedChannel toNew = NettyChannelBuilder.forTarget("127.0.0.1:" + ports.get(4L)[2]).usePlaintext().build();
            channels.add(toNew);
            AdminGrpc.AdminBlockingStub admin4 = AdminGrpc.newBlockingStub(toNew).withDeadlineAfter(30, TimeUnit.SECONDS);
            long removed = leader == 1 ? 2 : 1;
            long removal = admin4.memberRemove(MemberRemoveRequest.newBuilder().setId(removed).build()).getIndex();
            assertThat(servers.get(4L).group().status().conf().voters()).doesNotContain(removed).hasSize(3);
            // The removed node gets no more messages, but the last one told it the removal committed.
            await(() -> servers.get(removed).group().status().applied() >= removal, "the removed node to apply its removal");
        } finally {
            for (ManagedChannel c : channels) {
                c.shutdownNow();
            }
            for (OstrakaServer s : servers.values()) {
                s.close();
            }
        }
    }

    private static String refusal(Runnable call) {
        StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class, call::run);
        assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.INVALID_ARGUMENT);
        return e.getStatus().getDescription();
    }

    /**
     * Changes that would break a working cluster are refused with the reason, and nothing changes:
     * an id or peer address already in use, an address that is not host:port, promoting a learner
     * that never answered, removing a non-member, and adding or removing a voter when the new
     * configuration's quorum would need more voters than are reachable.
     */
    @Test
    void changesThatWouldBreakTheClusterAreRefusedWithTheReason() throws Exception {
        for (long id = 1; id <= 3; id++) {
            ports.put(id, new int[] {freePort(), freePort(), freePort(), freePort()});
        }
        String members = "1=127.0.0.1:" + ports.get(1L)[1] + ",2=127.0.0.1:" + ports.get(2L)[1] + ",3=127.0.0.1:" + ports.get(3L)[1];
        TreeMap<Long, OstrakaServer> servers = new TreeMap<>();
        ManagedChannel channel = null;
        try {
            for (long id = 1; id <= 3; id++) {
                servers.put(id, OstrakaServer.start(config(id, members, null)));
            }
            long leader = servers.get(1L).group().awaitLeader(Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS);
            channel = NettyChannelBuilder.forTarget("127.0.0.1:" + ports.get(leader)[2]).usePlaintext().build();
            AdminGrpc.AdminBlockingStub admin = AdminGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
            long other = leader == 1 ? 2 : 1;
            String otherPeer = "127.0.0.1:" + ports.get(other)[1];
            int nobody = freePort();

            assertThat(refusal(() -> admin.memberAdd(io.ostraka.api.kv.v1.MemberAddRequest.newBuilder().setId(other)
                    .setPeerAddress("10.9.9.9:1").build()))).contains("node " + other + " is already a voter");
            assertThat(refusal(() -> admin.memberAddLearner(io.ostraka.api.kv.v1.MemberAddRequest.newBuilder().setId(other)
                    .setPeerAddress("10.9.9.9:1").build()))).contains("is already a voter");
            assertThat(refusal(() -> admin.memberAdd(io.ostraka.api.kv.v1.MemberAddRequest.newBuilder().setId(9)
                    .setPeerAddress("h:99999").build()))).contains("port must be in 1..65535");
            assertThat(refusal(() -> admin.memberAdd(io.ostraka.api.kv.v1.MemberAddRequest.newBuilder().setId(9)
                    .setPeerAddress("::1:7379").build()))).contains("must be bracketed");
            assertThat(refusal(() -> admin.memberAdd(io.ostraka.api.kv.v1.MemberAddRequest.newBuilder().setId(9)
                    .setPeerAddress(otherPeer).build()))).contains("is node " + other + "'s");
            assertThat(refusal(() -> admin.memberRemove(MemberRemoveRequest.newBuilder().setId(42).build())))
                    .contains("node 42 is not a member");

            // A learner at an address where nothing runs has acknowledged nothing: not promoted.
            admin.memberAddLearner(io.ostraka.api.kv.v1.MemberAddRequest.newBuilder().setId(9)
                    .setPeerAddress("127.0.0.1:" + nobody).build());
            assertThat(refusal(() -> admin.memberPromote(MemberPromoteRequest.newBuilder().setId(9).build())))
                    .contains("learner 9 has not acknowledged any entry yet");
            admin.memberRemove(MemberRemoveRequest.newBuilder().setId(9).build());

            // One voter down: a fourth voter would need 3 of 4, a removal 2 of the 2 left; 2 are reachable.
            long down = leader == 3 ? 2 : 3;
            servers.remove(down).close();
            OstrakaServer lead = servers.get(leader);
            await(() -> !lead.group().status().peers().get(down).recentActive(), "the leader to notice node " + down + " is gone");
            assertThat(refusal(() -> admin.memberAdd(io.ostraka.api.kv.v1.MemberAddRequest.newBuilder().setId(9)
                    .setPeerAddress("127.0.0.1:" + nobody).build()))).contains("add it as a learner");
            long healthy = leader == 1 ? (down == 2 ? 3 : 2) : 1;
            assertThat(refusal(() -> admin.memberRemove(MemberRemoveRequest.newBuilder().setId(healthy).build())))
                    .contains("quorum of 2 is more than the 1 reachable now");
            assertThat(lead.group().status().conf().voters()).containsExactly(1L, 2L, 3L);
            // Removing the voter that is down is what an operator should do, and is allowed.
            admin.memberRemove(MemberRemoveRequest.newBuilder().setId(down).build());
            assertThat(lead.group().status().conf().voters()).doesNotContain(down).hasSize(2);
        } finally {
            if (channel != null) {
                channel.shutdownNow();
            }
            for (OstrakaServer s : servers.values()) {
                s.close();
            }
        }
    }

    @Test
    void aLearnerAddedByAnOperatorStaysALearnerUntilPromotedEvenWhenStartedWithJoin() throws Exception {
        for (long id = 1; id <= 3; id++) {
            ports.put(id, new int[] {freePort(), freePort(), freePort(), freePort()});
        }
        String members = "1=127.0.0.1:" + ports.get(1L)[1] + ",2=127.0.0.1:" + ports.get(2L)[1];
        TreeMap<Long, OstrakaServer> servers = new TreeMap<>();
        List<ManagedChannel> channels = new ArrayList<>();
        try {
            for (long id = 1; id <= 2; id++) {
                servers.put(id, OstrakaServer.start(config(id, members, null, "--dev")));
            }
            long leader = servers.get(1L).group().awaitLeader(Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS);
            ManagedChannel channel = NettyChannelBuilder.forTarget("127.0.0.1:" + ports.get(leader)[2]).usePlaintext().build();
            channels.add(channel);
            AdminGrpc.AdminBlockingStub admin = AdminGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
            admin.memberAddLearner(io.ostraka.api.kv.v1.MemberAddRequest.newBuilder().setId(3)
                    .setPeerAddress("127.0.0.1:" + ports.get(3L)[1]).setClientAddress("127.0.0.1:" + ports.get(3L)[2]).build());

            servers.put(3L, OstrakaServer.start(config(3, null, "127.0.0.1:" + ports.get(1L)[2])));
            servers.get(leader).kv().write(KvCommand.put("k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8)))
                    .get(20, TimeUnit.SECONDS);
            long written = servers.get(leader).group().status().committed();
            await(() -> servers.get(3L).group().status().applied() >= written, "node 3 to catch up");
            // Caught up, yet still a learner: promotion is the operator's call. (The joiner decides
            // right away, so a wrong self-promotion would have happened by now.)
            await(() -> Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("ostraka-join")),
                    "node 3's joiner to finish");
            assertThat(servers.get(leader).group().status().conf().learners()).containsExactly(3L);
            assertThat(dir.resolve("n3").resolve(Joiner.MARKER)).doesNotExist();

            admin.memberPromote(MemberPromoteRequest.newBuilder().setId(3).build());
            assertThat(servers.get(leader).group().status().conf().voters()).containsExactlyInAnyOrder(1L, 2L, 3L);
        } finally {
            for (ManagedChannel c : channels) {
                c.shutdownNow();
            }
            for (OstrakaServer s : servers.values()) {
                s.close();
            }
        }
    }
}
