package io.ostraka.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Proves the routing rules: follow hints and successes, walk the endpoints when no leader is known. */
class RouterTest {
    private final Router router = new Router(List.of("a:1", "b:1", "c:1"));

    @Test
    void startsAtTheFirstEndpointAndWalksPastFailures() {
        assertThat(router.target()).isEqualTo("a:1");
        router.failed("a:1");
        assertThat(router.target()).isEqualTo("b:1");
        router.notLeader("b:1", "");
        assertThat(router.target()).isEqualTo("c:1");
        router.failed("c:1");
        assertThat(router.target()).isEqualTo("a:1");
    }

    @Test
    void followsHintsEvenToUnlistedAddressesAndForgetsThemWhenTheyFail() {
        router.notLeader("a:1", "z:9");
        assertThat(router.target()).isEqualTo("z:9");
        router.failed("z:9");
        assertThat(router.target()).isEqualTo("b:1");
        router.succeeded("c:1");
        assertThat(router.target()).isEqualTo("c:1");
        router.notLeader("c:1", "c:1"); // a node naming itself is no hint
        assertThat(router.target()).isEqualTo("a:1");
    }

    @Test
    void aClosedRouterRefusesChannels() {
        router.close();
        assertThatThrownBy(() -> router.channel("a:1")).isInstanceOfSatisfying(OstrakaClientException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.STOPPED));
        assertThatThrownBy(() -> new Router(List.of())).hasMessageContaining("no endpoints");
    }
}
