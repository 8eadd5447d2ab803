package io.sluice.ipvs;

import io.sluice.core.exec.Sysctl;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/** Map-backed /proc/sys that records writes. */
public final class FakeSysctl implements Sysctl {
    final TreeMap<String, String> values = new TreeMap<>();
    final List<String> writes = new ArrayList<>();

    FakeSysctl(String kernelRelease) {
        values.put("kernel/osrelease", kernelRelease);
    }

    @Override
    public Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name));
    }

    @Override
    public void set(String name, String value) {
        writes.add(name + "=" + value);
        values.put(name, value);
    }
}
