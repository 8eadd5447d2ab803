package io.sluice.ipvs.ipset;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/** In-memory ipset that interprets {@code ipset restore -exist} payloads (create/add/del/destroy) and records them. */
public final class FakeIpset implements Ipset {
    public final TreeMap<String, TreeSet<String>> sets = new TreeMap<>();
    public final TreeMap<String, String> createLines = new TreeMap<>();
    public final List<String> payloads = new ArrayList<>();
    public boolean fail;

    @Override
    public SortedMap<String, SortedSet<String>> listAll() {
        SortedMap<String, SortedSet<String>> out = new TreeMap<>();
        sets.forEach((k, v) -> out.put(k, new TreeSet<>(v)));
        return out;
    }

    @Override
    public void restore(String payload) throws IpsetException {
        if (fail) {
            throw new IpsetException("ipset restore: injected failure");
        }
        payloads.add(payload);
        for (String line : payload.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] w = line.split(" ");
            switch (w[0]) {
                case "create" -> {
                    sets.putIfAbsent(w[1], new TreeSet<>());
                    createLines.putIfAbsent(w[1], line);
                }
                case "add" -> {
                    require(w[1]).add(w[2]);
                }
                case "del" -> require(w[1]).remove(w[2]);
                case "destroy" -> {
                    sets.remove(w[1]);
                    createLines.remove(w[1]);
                }
                default -> throw new IpsetException("unknown command " + w[0]);
            }
        }
    }

    private TreeSet<String> require(String name) throws IpsetException {
        TreeSet<String> s = sets.get(name);
        if (s == null) {
            throw new IpsetException("The set with the given name does not exist: " + name);
        }
        return s;
    }
}
