package io.ostraka.server;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.ostraka.api.ClientApi;
import io.ostraka.api.kv.v1.AdminGrpc;
import io.ostraka.api.kv.v1.ErrorInfo;
import io.ostraka.api.kv.v1.MemberAddRequest;
import io.ostraka.api.kv.v1.MemberListRequest;
import io.ostraka.api.kv.v1.MemberListResponse;
import io.ostraka.api.kv.v1.MemberPromoteRequest;
import io.ostraka.node.RaftGroup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins a running cluster (issue: bootstrap and membership): ask any member — following
 * NOT_LEADER redirects to the leader — to add this node as a learner, wait until this node has
 * caught up with the commit index it hears about, then ask for promotion to voter. Runs on its
 * own thread so the server serves while it catches up; retries until it succeeds or the server
 * stops.
 *
 * <p>Only a node that added itself promotes itself. A node an operator added with
 * {@code ostraka member add-learner} (it is already a learner when it first asks, and it never
 * asked to be added) only learns the members' addresses and stays a learner until the operator
 * runs {@code ostraka member promote} — a read replica stays one. Whether this node asked to be
 * added survives a restart in the data directory's {@value #MARKER} file, written before the
 * request and removed once the node votes, so a node that crashed mid-join still finishes it.
 */
final class Joiner implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Joiner.class);
    static final String MARKER = "JOINING";

    private final String firstAddress;
    private final long nodeId;
    private final String peerAddress;
    private final String clientAddress;
    private final RaftGroup group;
    private final java.util.function.BiConsumer<Long, String> learnPeer;
    /** Present while this node is joining by itself: it asked to be added and is not a voter yet. */
    private final Path marker;
    private volatile boolean stopped;

    /**
     * @param learnPeer tells the transport where a member's peer endpoint is: a joining node starts
     *                  with an empty log, so it learns the members' addresses from the member list
     *                  (without them it could not even answer the leader's first probe)
     */
    Joiner(String joinAddress, long nodeId, String peerAddress, String clientAddress, RaftGroup group,
           java.util.function.BiConsumer<Long, String> learnPeer, Path dataDir) {
        this.firstAddress = joinAddress;
        this.nodeId = nodeId;
        this.peerAddress = peerAddress;
        this.clientAddress = clientAddress;
        this.group = group;
        this.learnPeer = learnPeer;
        this.marker = dataDir.resolve(MARKER);
    }

    void stop() {
        stopped = true;
    }

    @Override
    public void run() {
        String target = firstAddress;
        boolean added = false;
        while (!stopped) {
            ManagedChannel channel = NettyChannelBuilder.forTarget(target).usePlaintext().build();
            try {
                AdminGrpc.AdminBlockingStub admin = AdminGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
                MemberListResponse members = admin.memberList(MemberListRequest.getDefaultInstance());
                members.getMembersList().stream().filter(m -> m.getId() != nodeId && !m.getPeerAddress().isEmpty())
                        .forEach(m -> learnPeer.accept(m.getId(), m.getPeerAddress()));
                boolean known = members.getMembersList().stream().anyMatch(m -> m.getId() == nodeId);
                boolean voter = members.getMembersList().stream().anyMatch(m -> m.getId() == nodeId && m.getVoter());
                if (voter) {
                    Files.deleteIfExists(marker);
                    log.info("node {} is a voter of the cluster it joined through {}", nodeId, firstAddress);
                    return;
                }
                if (!known && !added) {
                    Files.write(marker, new byte[0]); // before asking: the answer may be lost
                    admin.memberAddLearner(MemberAddRequest.newBuilder().setId(nodeId).setPeerAddress(peerAddress)
                            .setClientAddress(clientAddress).build());
                    added = true;
                    log.info("node {} was added as a learner through {}", nodeId, target);
                } else if (known && !added && !Files.exists(marker)) {
                    log.info("node {} is a learner added by an operator: it stays a learner until 'ostraka member promote {}'",
                            nodeId, nodeId);
                    return;
                }
                if (caughtUp()) {
                    admin.memberPromote(MemberPromoteRequest.newBuilder().setId(nodeId).build());
                    Files.deleteIfExists(marker);
                    log.info("node {} was promoted to voter", nodeId);
                    return;
                }
            } catch (StatusRuntimeException e) {
                String leader = leaderAddress(e);
                if (leader != null && !leader.isEmpty()) {
                    target = leader;
                    continue;
                }
                log.info("node {} joining through {}: {}; retrying", nodeId, target, e.getStatus());
            } catch (IOException e) {
                throw new UncheckedIOException("node " + nodeId + " cannot write " + marker, e);
            } catch (RuntimeException e) {
                // A leader hint that is no usable address, say: start over from the configured
                // address rather than let the thread die and the node sit unjoined, looking healthy.
                log.warn("node {} joining through {}: {}; retrying through {}", nodeId, target, e.toString(), firstAddress);
                target = firstAddress;
            } finally {
                channel.shutdownNow();
            }
            pause(Duration.ofMillis(500));
        }
    }

    /** Caught up: this node knows a leader and has applied everything it knows committed. */
    private boolean caughtUp() {
        var s = group.status();
        return s != null && s.leader() != 0 && s.committed() > 0 && s.applied() >= s.committed();
    }

    private static String leaderAddress(StatusRuntimeException e) {
        ErrorInfo info = ClientApi.errorInfo(e);
        return info == null || !info.getCode().equals("NOT_LEADER") ? null : info.getLeaderAddress();
    }

    private void pause(Duration d) {
        try {
            TimeUnit.MILLISECONDS.sleep(d.toMillis());
        } catch (InterruptedException e) {
            stopped = true;
            Thread.currentThread().interrupt();
        }
    }
}
