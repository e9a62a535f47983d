package io.ostraka.cli;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.ostraka.api.ClientApi;
import io.ostraka.api.kv.v1.AdminGrpc;
import io.ostraka.api.kv.v1.ErrorInfo;
import io.ostraka.api.kv.v1.LeaderTransferRequest;
import io.ostraka.api.kv.v1.LeaderTransferResponse;
import io.ostraka.api.kv.v1.Member;
import io.ostraka.api.kv.v1.MemberAddRequest;
import io.ostraka.api.kv.v1.MemberChangeResponse;
import io.ostraka.api.kv.v1.MemberListRequest;
import io.ostraka.api.kv.v1.MemberListResponse;
import io.ostraka.api.kv.v1.MemberPromoteRequest;
import io.ostraka.api.kv.v1.MemberRemoveRequest;
import io.ostraka.api.kv.v1.SnapshotRequest;
import io.ostraka.api.kv.v1.SnapshotResponse;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Cluster administration over the Admin gRPC service: membership, leadership transfer,
 * snapshots. Requests go to the first endpoint that answers and follow NOT_LEADER redirects to
 * the leader. Errors print one line and exit 1.
 */
final class AdminCommands {
    private AdminCommands() {}

    /**
     * Calls {@code call} against the endpoints, following leader redirects a few times. A
     * NOT_LEADER without the leader's address (no leader known yet, or the answering node has not
     * yet learned the leader's client address, which it asks for in the background) sends the
     * request to the other endpoints and, after a short pause, to the same node once more.
     */
    static <T> T call(ClientOptions options, Function<AdminGrpc.AdminBlockingStub, T> call) {
        List<String> targets = new java.util.ArrayList<>(options.endpointList());
        StatusRuntimeException last = null;
        int askedAgain = 0;
        for (int i = 0; i < targets.size() && i < 8; i++) {
            ManagedChannel channel = NettyChannelBuilder.forTarget(targets.get(i).trim()).usePlaintext().build();
            try {
                return call.apply(AdminGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(ClientOptions.duration(options.timeout).toMillis(), TimeUnit.MILLISECONDS));
            } catch (StatusRuntimeException e) {
                last = e;
                ErrorInfo info = ClientApi.errorInfo(e);
                boolean notLeader = info != null && info.getCode().equals("NOT_LEADER");
                if (notLeader && !info.getLeaderAddress().isEmpty()) {
                    targets.add(i + 1, info.getLeaderAddress());
                } else if (notLeader && askedAgain < 3) {
                    askedAgain++;
                    targets.add(targets.get(i));
                    pause(200);
                } else if (info != null && !notLeader && !info.getCode().equals("NO_QUORUM")) {
                    throw e; // a definite answer (invalid request, ...): do not ask elsewhere
                }
            } finally {
                channel.shutdownNow();
            }
        }
        throw last;
    }

    private static void pause(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static int run(Callable<Integer> body) {
        try {
            return body.call();
        } catch (StatusRuntimeException e) {
            ErrorInfo info = ClientApi.errorInfo(e);
            System.err.println("error: " + (info != null ? info.getCode() + ": " + info.getMessage() : describe(e.getStatus())));
            return 1;
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            System.err.println("error: " + e.getMessage());
            return 1;
        }
    }

    /** A gRPC status from below the service (no ErrorInfo): its code and the innermost cause's message. */
    private static String describe(io.grpc.Status status) {
        String why = status.getDescription();
        Throwable cause = status.getCause();
        while (cause != null && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause != null && cause.getMessage() != null) {
            why = why == null ? cause.getMessage() : why + " (" + cause.getMessage() + ")";
        }
        return status.getCode() + (why == null ? "" : ": " + why);
    }

    static void printMembers(List<Member> members, long leaderId) {
        System.out.printf("%-6s %-22s %-22s %s%n", "member", "client", "peer", "role");
        for (Member m : members) {
            String role = m.getId() == leaderId ? "leader" : m.getVoter() ? "voter" : "learner";
            System.out.printf("%-6d %-22s %-22s %s%n", m.getId(), m.getClientAddress(), m.getPeerAddress(), role);
        }
    }

    @Command(name = "member", description = "List and change the cluster's members.",
            subcommands = {MemberList.class, MemberAdd.class, MemberAddLearner.class, MemberPromote.class, MemberRemove.class})
    static final class Member_ implements Runnable {
        @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(System.out);
        }
    }

    @Command(name = "list", description = "List the members and their roles.")
    static final class MemberList implements Callable<Integer> {
        @Mixin ClientOptions options;

        @Override
        public Integer call() {
            return run(() -> {
                MemberListResponse r = AdminCommands.call(options, a -> a.memberList(MemberListRequest.getDefaultInstance()));
                printMembers(r.getMembersList(), r.getLeaderId());
                return 0;
            });
        }
    }

    abstract static class AddBase implements Callable<Integer> {
        @Mixin ClientOptions options;
        @Parameters(index = "0", description = "the new member's node id") long id;
        @Parameters(index = "1", description = "its peer address host:port") String peerAddress;
        @Option(names = "--client-address", description = "its client gRPC address host:port") String clientAddress;

        MemberAddRequest request() {
            return MemberAddRequest.newBuilder().setId(id).setPeerAddress(peerAddress)
                    .setClientAddress(clientAddress == null ? "" : clientAddress).build();
        }

        int print(MemberChangeResponse r) {
            System.out.println("configuration changed at index " + r.getIndex());
            printMembers(r.getMembersList(), 0);
            return 0;
        }
    }

    @Command(name = "add", description = "Add a voter (single-step change).")
    static final class MemberAdd extends AddBase {
        @Override
        public Integer call() {
            return run(() -> print(AdminCommands.call(options, a -> a.memberAdd(request()))));
        }
    }

    @Command(name = "add-learner", description = "Add a learner that replicates without voting; promote it once caught up.")
    static final class MemberAddLearner extends AddBase {
        @Override
        public Integer call() {
            return run(() -> print(AdminCommands.call(options, a -> a.memberAddLearner(request()))));
        }
    }

    @Command(name = "promote", description = "Make a caught-up learner a voter.")
    static final class MemberPromote implements Callable<Integer> {
        @Mixin ClientOptions options;
        @Parameters(index = "0") long id;

        @Override
        public Integer call() {
            return run(() -> {
                MemberChangeResponse r = AdminCommands.call(options, a -> a.memberPromote(MemberPromoteRequest.newBuilder().setId(id).build()));
                System.out.println("node " + id + " is a voter (configuration at index " + r.getIndex() + ")");
                return 0;
            });
        }
    }

    @Command(name = "remove", description = "Remove a member (the leader too: it hands leadership over first).")
    static final class MemberRemove implements Callable<Integer> {
        @Mixin ClientOptions options;
        @Parameters(index = "0") long id;

        @Override
        public Integer call() {
            return run(() -> {
                MemberChangeResponse r = AdminCommands.call(options, a -> a.memberRemove(MemberRemoveRequest.newBuilder().setId(id).build()));
                System.out.println("node " + id + " removed (configuration at index " + r.getIndex() + ")");
                return 0;
            });
        }
    }

    @Command(name = "leader", description = "Leadership commands.", subcommands = LeaderTransfer.class)
    static final class Leader implements Runnable {
        @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(System.out);
        }
    }

    @Command(name = "transfer", description = "Hand leadership to another voter (default: the most up-to-date one).")
    static final class LeaderTransfer implements Callable<Integer> {
        @Mixin ClientOptions options;
        @Option(names = "--to", defaultValue = "0", description = "target node id") long to;

        @Override
        public Integer call() {
            return run(() -> {
                LeaderTransferResponse r = AdminCommands.call(options,
                        a -> a.leaderTransfer(LeaderTransferRequest.newBuilder().setTargetId(to).build()));
                System.out.println("node " + r.getLeaderId() + " leads term " + r.getTerm());
                return 0;
            });
        }
    }

    @Command(name = "snapshot", description = "Take a snapshot of the answering node's state now.")
    static final class Snapshot implements Callable<Integer> {
        @Mixin ClientOptions options;

        @Override
        public Integer call() {
            return run(() -> {
                SnapshotResponse r = AdminCommands.call(options, a -> a.snapshot(SnapshotRequest.getDefaultInstance()));
                System.out.println(r.getIndex() == 0 ? "nothing applied yet: no snapshot to take"
                        : "snapshot at index " + r.getIndex() + ", term " + r.getTerm());
                return 0;
            });
        }
    }
}
