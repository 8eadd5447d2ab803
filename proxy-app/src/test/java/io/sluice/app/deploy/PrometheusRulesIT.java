package io.sluice.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks the alerting rules with Prometheus' own tool: {@code promtool check rules} on the PrometheusRule's spec,
 * then {@code promtool test rules} with synthetic series (prometheusrule-tests.yaml) proving that SluiceSyncStalled
 * fires only when changes are queued, that restore failures and a high p99 sync latency alert, with the exact
 * annotations operators will read. Needs promtool (Debian package {@code prometheus}).
 */
class PrometheusRulesIT {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void alert_rules_are_valid_and_fire_on_the_conditions_they_describe(@TempDir Path dir) throws IOException {
        Path promtool = Environment.requireTool("promtool");
        JsonNode rule = YAML.readTree(Environment.repoRoot().resolve("manifests/monitoring/prometheusrule.yaml").toFile());
        // A PrometheusRule's spec is exactly a Prometheus rule file ({groups: [...]}).
        YAML.writeValue(dir.resolve("rules.yaml").toFile(), rule.path("spec"));
        try (InputStream tests = PrometheusRulesIT.class.getResourceAsStream("prometheusrule-tests.yaml")) {
            Files.copy(tests, dir.resolve("tests.yaml"));
        }

        ProcessResult check = ProcessResult.run(dir, 120, promtool.toString(), "check", "rules", "rules.yaml");
        assertThat(check.exitCode()).as(check.toString()).isZero();
        assertThat(check.stdout()).contains("SUCCESS");

        ProcessResult test = ProcessResult.run(dir, 120, promtool.toString(), "test", "rules", "tests.yaml");
        assertThat(test.exitCode()).as(test.toString()).isZero();
        assertThat(test.stdout()).contains("SUCCESS").doesNotContain("FAILED");
    }
}
