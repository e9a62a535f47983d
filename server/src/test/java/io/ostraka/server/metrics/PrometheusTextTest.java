package io.ostraka.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The test parser is as strict as the format: it reads the specification's own example, and it
 * rejects each kind of violation a broken exporter could produce — so a scrape that parses is
 * well-formed, not merely tolerated.
 */
class PrometheusTextTest {
    /** The example of the exposition format documentation, with escapes, timestamps, a histogram and a summary. */
    private static final String SPEC_EXAMPLE = """
            # HELP http_requests_total The total number of HTTP requests.
            # TYPE http_requests_total counter
            http_requests_total{method="post",code="200"} 1027 1395066363000
            http_requests_total{method="post",code="400"}    3 1395066363000

            # Escaping in label values:
            msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9

            # Minimalistic line:
            metric_without_timestamp_and_labels 12.47

            # A weird metric from before the epoch:
            something_weird{problem="division by zero"} +Inf -3982045

            # A histogram, which has a pretty complex representation in the text format:
            # HELP http_request_duration_seconds A histogram of the request duration.
            # TYPE http_request_duration_seconds histogram
            http_request_duration_seconds_bucket{le="0.05"} 24054
            http_request_duration_seconds_bucket{le="0.1"} 33444
            http_request_duration_seconds_bucket{le="0.2"} 100392
            http_request_duration_seconds_bucket{le="0.5"} 129389
            http_request_duration_seconds_bucket{le="1"} 133988
            http_request_duration_seconds_bucket{le="+Inf"} 144320
            http_request_duration_seconds_sum 53423
            http_request_duration_seconds_count 144320

            # Finally a summary, which has a complex representation, too:
            # HELP rpc_duration_seconds A summary of the RPC duration in seconds.
            # TYPE rpc_duration_seconds summary
            rpc_duration_seconds{quantile="0.01"} 3102
            rpc_duration_seconds{quantile="0.05"} 3272
            rpc_duration_seconds{quantile="0.5"} 4773
            rpc_duration_seconds{quantile="0.9"} 9001
            rpc_duration_seconds{quantile="0.99"} 76656
            rpc_duration_seconds_sum 1.7560473e+07
            rpc_duration_seconds_count 2693
            """;

    @Test
    void readsTheSpecificationExample() {
        PrometheusText p = PrometheusText.parse(SPEC_EXAMPLE);
        assertThat(p.families()).containsKeys("http_requests_total", "msdos_file_access_time_seconds",
                "http_request_duration_seconds", "rpc_duration_seconds");
        assertThat(p.value("http_requests_total", "method", "post", "code", "400")).isEqualTo(3);
        assertThat(p.samples("msdos_file_access_time_seconds").get(0).labels())
                .containsEntry("path", "C:\\DIR\\FILE.TXT").containsEntry("error", "Cannot find file:\n\"FILE.TXT\"");
        assertThat(p.value("something_weird", "problem", "division by zero")).isInfinite();
        assertThat(p.family("http_request_duration_seconds").type()).isEqualTo("histogram");
        assertThat(p.value("http_request_duration_seconds_count")).isEqualTo(144320);
        assertThat(p.family("rpc_duration_seconds").samples()).hasSize(7);
        assertThat(p.family("http_requests_total").help()).isEqualTo("The total number of HTTP requests.");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "no_final_newline 1",
        "1starts_with_digit 1\n",
        "bad-name 1\n",
        "m{le=\"1\" 1\n",
        "m{a=\"x\\t\"} 1\n",
        "m{a=unquoted} 1\n",
        "m{a=\"1\",a=\"2\"} 1\n",
        "m{__reserved=\"1\"} 1\n",
        "m 1d\n",
        "m 0x10\n",
        "m Infinity\n",
        "m 1 12.5\n",
        "m 1 2 3\n",
        "m\n",
        "m 1\nm 2\n",
        "# TYPE m counter\nm -1\n",
        "# TYPE m counter\n# TYPE m counter\nm 1\n",
        "# HELP m one\n# HELP m two\nm 1\n",
        "# HELP m bad \\t escape\nm 1\n",
        "m 1\n# TYPE m gauge\n",
        "# TYPE m wrongtype\nm 1\n",
        "a 1\nb 1\na{x=\"y\"} 1\n",
        "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n",
        "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 3\n",
        "# TYPE h histogram\nh_bucket{le=\"2\"} 1\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n",
        "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n",
        "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n",
        "# TYPE h histogram\nh_bucket 1\nh_sum 1\nh_count 1\n",
        "# TYPE s summary\ns{quantile=\"2\"} 1\ns_sum 1\ns_count 1\n",
    })
    void rejectsWhatTheFormatDoesNotAllow(String exposition) {
        assertThatThrownBy(() -> PrometheusText.parse(exposition)).isInstanceOf(PrometheusText.ParseException.class);
    }

    @Test
    void acceptsATrailingCommaInLabelsAndOrdinaryComments() {
        PrometheusText p = PrometheusText.parse("# just a comment\nm{a=\"1\",} 2\n");
        assertThat(p.value("m", "a", "1")).isEqualTo(2);
    }
}
