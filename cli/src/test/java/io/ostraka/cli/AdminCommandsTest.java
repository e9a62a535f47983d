package io.ostraka.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.ostraka.api.ClientApi;
import io.ostraka.api.kv.v1.AdminGrpc;
import io.ostraka.api.kv.v1.ErrorInfo;
import io.ostraka.api.kv.v1.Member;
import io.ostraka.api.kv.v1.MemberListRequest;
import io.ostraka.api.kv.v1.MemberListResponse;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How the admin commands treat a NOT_LEADER answer that does not say where the leader is (a node
 * that has not learned the leader's client address yet, or knows no leader): they ask the other
 * endpoints and, after a pause, the same node again, instead of giving up at once.
 */
class AdminCommandsTest {
    private Server server;

    /** An Admin service whose first {@code refusals} member lists answer NOT_LEADER without an address. */
    private String start(int refusals, AtomicInteger calls) throws Exception {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(new AdminGrpc.AdminImplBase() {
            @Override
            public void memberList(MemberListRequest request, StreamObserver<MemberListResponse> out) {
                if (calls.incrementAndGet() <= refusals) {
                    Metadata trailers = new Metadata();
                    trailers.put(ClientApi.ERROR_INFO_KEY, ErrorInfo.newBuilder().setCode("NOT_LEADER").setLeaderId(1)
                            .setMessage("not the leader: the leader is node 1").build());
                    out.onError(Status.UNAVAILABLE.withDescription("not the leader").asRuntimeException(trailers));
                    return;
                }
                out.onNext(MemberListResponse.newBuilder().setLeaderId(1)
                        .addMembers(Member.newBuilder().setId(1).setVoter(true).setPeerAddress("127.0.0.1:7379")).build());
                out.onCompleted();
            }
        }).build().start();
        return "127.0.0.1:" + server.getPort();
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (server != null) {
            server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aRedirectWithoutAnAddressIsAskedAgain() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        String endpoint = start(1, calls);
        Cli.Result r = Cli.run("member", "list", "-e", endpoint);
        assertThat(r.exitCode()).as(r::toString).isZero();
        assertThat(Cli.members(r.out())).containsEntry(1L, "leader");
        assertThat(calls.get()).isEqualTo(2);
    }

    @Test
    void aNodeThatNeverKnowsTheLeaderFailsTheCommandWithItsAnswer() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        String endpoint = start(Integer.MAX_VALUE, calls);
        Cli.Result r = Cli.run("member", "list", "-e", endpoint);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("NOT_LEADER: not the leader: the leader is node 1");
        assertThat(calls.get()).isEqualTo(4);
    }
}
