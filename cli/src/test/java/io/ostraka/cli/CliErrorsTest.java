package io.ostraka.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/**
 * Mistakes an operator makes on the command line get one line saying what is wrong and a
 * non-zero exit, never a stack trace; {@code server --help} lists every setting.
 */
class CliErrorsTest {
    private static void assertOneLineError(Cli.Result r, int exitCode, String expected) {
        assertThat(r.exitCode()).as(r::toString).isEqualTo(exitCode);
        assertThat(r.err()).as(r::toString).contains(expected).doesNotContain("\tat ").doesNotContain("Exception");
    }

    @Test
    void badEndpointsAreNamed() {
        assertOneLineError(Cli.run("put", "-e", "", "k", "v"), 2, "no endpoints given");
        assertOneLineError(Cli.run("get", "-e", "::1:15379", "k"), 2, "endpoint '::1:15379': an IPv6 address must be bracketed");
        assertOneLineError(Cli.run("member", "list", "-e", ","), 2, "no endpoints given");
        assertOneLineError(Cli.run("member", "list", "-e", "h:99999"), 2, "endpoint 'h:99999': port must be in 1..65535");
    }

    @Test
    void argumentsOutsideTheirRangeAreRefusedBeforeAnythingIsSent() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        String endpoint = "127.0.0.1:" + closed; // nothing listens: nothing may be sent anyway
        assertOneLineError(Cli.run("scan", "--limit", "-5", "-e", endpoint), 2, "scan limit -5 is negative");
        assertOneLineError(Cli.run("cas", "k", "-1", "v", "-e", endpoint), 2, "expected version -1 is negative");
        assertOneLineError(Cli.run("put", "--if-absent", "--if-present", "k", "v", "-e", endpoint), 2,
                "--if-absent and --if-present cannot both hold");
        Cli.Result badTimeout = Cli.run("get", "k", "--timeout", "abc", "-e", endpoint);
        assertOneLineError(badTimeout, 2, "not a duration: 'abc' (use e.g. 500ms, 10s, 2m)");
        assertThat(badTimeout.err()).doesNotContain("Usage:");
    }

    @Test
    void anUnreachableNodeIsReportedInOneLine() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Cli.Result r = Cli.run("member", "list", "-e", "127.0.0.1:" + closed, "--timeout", "5s");
        assertOneLineError(r, 1, "error: UNAVAILABLE");
        assertThat(r.err().strip().lines().count()).as(r::toString).isEqualTo(1);
    }

    /** Checked before any node starts: nothing is left running, no leader is waited for. */
    @Test
    void localRefusesPortsOutOfRangeOrInUse() throws Exception {
        assertOneLineError(Cli.run("local", "--resp-port", "65534"), 2,
                "--resp-port 65534: node 3 would need port 65536, outside 1..65535");
        assertOneLineError(Cli.run("local", "--nodes", "3", "--resp-port", "7000", "--peer-port", "7002"), 2,
                "port 7002 would be both the resp-port of node 3 and the peer-port of node 1");
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            assertOneLineError(Cli.run("local", "--nodes", "1", "--http-port", Integer.toString(port)), 2,
                    "port " + port + " (http-port of node 1) is in use");
        }
    }

    @Test
    void serverHelpListsEverySetting() {
        Cli.Result r = Cli.run("server", "--help");
        assertThat(r.exitCode()).as(r::toString).isZero();
        assertThat(r.out()).contains("--max-value-bytes / OSTRAKA_MAX_VALUE_BYTES")
                .contains("--initial-members / OSTRAKA_INITIAL_MEMBERS").contains("default: 1048576");
    }
}
