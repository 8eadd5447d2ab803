package io.sluice.core.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class GoDurationTest {

    @ParameterizedTest(name = "{0} = {1} ns")
    @CsvSource({
            "30s, 30000000000",
            "1m0s, 60000000000",
            "1m, 60000000000",
            "500ms, 500000000",
            "1h2m3s, 3723000000000",
            "1.5s, 1500000000",
            ".5s, 500000000",
            "1.5h, 5400000000000",
            "100ns, 100",
            "10us, 10000",
            "10\u00b5s, 10000",
            "10\u03bcs, 10000",
            "0, 0",
            "0s, 0",
            "-1s, -1000000000",
            "+2s, 2000000000",
            "1h1h, 7200000000000",
    })
    void parsesGoSyntax(String text, long nanos) {
        assertThat(GoDuration.parse(text)).hasValue(Duration.ofNanos(nanos));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "30", "s", "1x", "1.2.3s", ".s", "-", "1 s", "30S", "1d", "99999999999999h"})
    void rejectsMalformed(String text) {
        assertThat(GoDuration.parse(text)).isEmpty();
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource({
            "0, 0s",
            "1, 1ns",
            "1500, 1.5\u00b5s",
            "500000000, 500ms",
            "1000000000, 1s",
            "1500000000, 1.5s",
            "30000000000, 30s",
            "60000000000, 1m0s",
            "900000000000, 15m0s",
            "3600000000000, 1h0m0s",
            "3723500000000, 1h2m3.5s",
            "-1000000000, -1s",
    })
    void formatsLikeGo(long nanos, String text) {
        assertThat(GoDuration.format(Duration.ofNanos(nanos))).isEqualTo(text);
        assertThat(GoDuration.parse(text)).hasValue(Duration.ofNanos(nanos));
    }
}
