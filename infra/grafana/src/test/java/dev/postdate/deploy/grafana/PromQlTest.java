package dev.postdate.deploy.grafana;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class PromQlTest {

    static Stream<Arguments> expressions() {
        return Stream.of(
                arguments("a_total", Set.of("a_total")),
                arguments("sum by (job, pod) (rate(a_total{namespace=~\"$namespace\", uri!~\"/x{1,2}|/y\"}[$__rate_interval]))",
                        Set.of("a_total")),
                arguments("histogram_quantile(0.99, sum by (le) (rate(b_bucket{job=~\"${job}\"}[5m])))",
                        Set.of("b_bucket")),
                arguments("count(c) by (job) > bool 0", Set.of("c")),
                arguments("sum without (instance) (d)", Set.of("d")),
                arguments("max(e and on(namespace, job, instance) (f == 1))", Set.of("e", "f")),
                arguments("g / on(pod) group_left(team) h offset 5m", Set.of("g", "h")),
                arguments("i * ignoring(code) group_right j", Set.of("i", "j")),
                arguments("label_replace(k, \"dst\", \"$1\", \"src\", \"(.*)\")", Set.of("k")),
                arguments("max_over_time(l[10m:1m]) or vector(0)", Set.of("l")),
                arguments("topk(5, m) unless quantile(0.9, n)", Set.of("m", "n")),
                arguments("round(sum(increase(o_total[$__range]))) > -Inf", Set.of("o_total")),
                arguments("p:rate5m # a recording rule\n + q", Set.of("p:rate5m", "q")),
                arguments("sum(rate(r{label='it\\'s}'}[1m])) + 1e3", Set.of("r")),
                arguments("vector(1)", Set.of()));
    }

    @ParameterizedTest
    @MethodSource("expressions")
    void findsTheMetricNamesOnly(String expr, Set<String> names) {
        assertEquals(names, PromQl.metricNames(expr));
    }
}
