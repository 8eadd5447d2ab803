package io.sluice.iptables.render;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class RestorePayloadTest {

    @Test
    void givenSmallAndSharedAppendsWhenBuiltThenTextAndWrittenBytesAreTheConcatenation() throws Exception {
        String big = "-A KUBE-SVC-X -j KUBE-SEP-Y\n".repeat(100);
        RestorePayload.Builder inner = new RestorePayload.Builder().append("-A KUBE-SERVICES -j X").append('\n');
        RestorePayload p = new RestorePayload.Builder().append("*nat\n").appendShared(big).append(inner)
                .append("COMMIT\n").build();

        String expected = "*nat\n" + big + "-A KUBE-SERVICES -j X\nCOMMIT\n";
        assertThat(p.toString()).isEqualTo(expected);
        assertThat(p.length()).isEqualTo(expected.length());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.writeTo(out);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(expected);
    }

    @Test
    void givenNothingAppendedWhenBuiltThenEmpty() {
        RestorePayload.Builder b = new RestorePayload.Builder();
        assertThat(b.isEmpty()).isTrue();
        assertThat(b.build().isEmpty()).isTrue();
        assertThat(RestorePayload.of("").toString()).isEmpty();
    }

    @Test
    void givenMoreSmallTextThanOneBufferWhenBuiltThenNothingIsLost() {
        RestorePayload.Builder b = new RestorePayload.Builder();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            String line = "-A KUBE-SERVICES -d 10.96.0." + (i % 250) + "/32 -j KUBE-SVC-" + i + "\n";
            b.append(line);
            expected.append(line);
        }
        assertThat(b.build().toString()).isEqualTo(expected.toString());
    }
}
