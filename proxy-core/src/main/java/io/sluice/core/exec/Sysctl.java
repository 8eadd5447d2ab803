package io.sluice.core.exec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Kernel parameters under /proc/sys, named like {@code net/ipv4/conf/all/route_localnet}. Real implementation reads
 * and writes the files; tests use a map-backed fake.
 */
public interface Sysctl {
    Optional<String> get(String name);

    void set(String name, String value) throws IOException;

    /** The real /proc/sys. */
    static Sysctl proc() {
        return new Sysctl() {
            @Override
            public Optional<String> get(String name) {
                try {
                    return Optional.of(Files.readString(path(name), StandardCharsets.US_ASCII).strip());
                } catch (IOException e) {
                    return Optional.empty();
                }
            }

            @Override
            public void set(String name, String value) throws IOException {
                Files.writeString(path(name), value, StandardCharsets.US_ASCII);
            }

            private Path path(String name) {
                if (name.contains("..") || name.startsWith("/")) {
                    throw new IllegalArgumentException("bad sysctl name: " + name);
                }
                return Path.of("/proc/sys", name);
            }
        };
    }
}
