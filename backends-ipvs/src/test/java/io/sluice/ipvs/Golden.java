package io.sluice.ipvs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Golden files under {@code src/test/resources/ipvs-golden}. Run with {@code -Dsluice.updateGolden=true} to
 * (re)write them; review the diff before committing.
 */
final class Golden {
    private Golden() {
    }

    static void assertMatches(String name, String actual) throws IOException {
        if (Boolean.getBoolean("sluice.updateGolden")) {
            Path p = Path.of("src/test/resources/ipvs-golden", name + ".txt");
            Files.createDirectories(p.getParent());
            Files.writeString(p, actual, StandardCharsets.UTF_8);
            return;
        }
        try (InputStream in = Golden.class.getResourceAsStream("/ipvs-golden/" + name + ".txt")) {
            assertThat(in).as("golden file %s exists", name).isNotNull();
            assertThat(actual).isEqualTo(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
