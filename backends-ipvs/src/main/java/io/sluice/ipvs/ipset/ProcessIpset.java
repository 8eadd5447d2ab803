package io.sluice.ipvs.ipset;

import io.sluice.core.exec.CommandRunner;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@link Ipset} over the {@code ipset} CLI: {@code ipset save} to read, {@code ipset restore -exist} with the payload
 * on stdin to write. Argument vectors only; nothing passes through a shell.
 */
public final class ProcessIpset implements Ipset {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private final CommandRunner runner;

    public ProcessIpset(CommandRunner runner) {
        this.runner = runner;
    }

    @Override
    public SortedMap<String, SortedSet<String>> listAll() throws IpsetException {
        List<String> argv = List.of("ipset", "save");
        CommandRunner.CommandResult r = runner.run(argv, "", TIMEOUT);
        if (r.exitCode() == 127) {
            // No ipset tool: nothing of ours can be listed (a later restore fails with a clear error).
            return new TreeMap<>();
        }
        if (!r.ok()) {
            throw new IpsetException(String.join(" ", argv) + " failed (exit " + r.exitCode() + "): "
                    + r.stderr().strip());
        }
        return parseSave(r.stdout());
    }

    @Override
    public SortedSet<String> names() throws IpsetException {
        List<String> argv = List.of("ipset", "list", "-n");
        CommandRunner.CommandResult r = runner.run(argv, "", TIMEOUT);
        if (r.exitCode() == 127) {
            return new TreeSet<>();
        }
        if (!r.ok()) {
            throw new IpsetException(String.join(" ", argv) + " failed (exit " + r.exitCode() + "): "
                    + r.stderr().strip());
        }
        SortedSet<String> out = new TreeSet<>();
        for (String line : r.stdout().split("\n")) {
            if (!line.isBlank()) {
                out.add(line.strip());
            }
        }
        return out;
    }

    @Override
    public void restore(String payload) throws IpsetException {
        List<String> argv = List.of("ipset", "restore", "-exist");
        CommandRunner.CommandResult r = runner.run(argv, payload, TIMEOUT);
        if (!r.ok()) {
            throw new IpsetException(String.join(" ", argv) + " failed (exit " + r.exitCode() + "): "
                    + r.stderr().strip());
        }
    }

    /**
     * Parses {@code ipset save} output: {@code create NAME TYPE ...} and {@code add NAME ENTRY [options]} lines.
     * Host networks in {@code hash:ip,port,net} entries get their explicit prefix length back.
     */
    public static SortedMap<String, SortedSet<String>> parseSave(String text) {
        SortedMap<String, SortedSet<String>> out = new TreeMap<>();
        Map<String, IpsetType> types = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] w = line.strip().split("\\s+");
            if (w.length >= 3 && w[0].equals("create")) {
                out.putIfAbsent(w[1], new TreeSet<>());
                types.put(w[1], IpsetType.fromText(w[2]));
            } else if (w.length >= 3 && w[0].equals("add")) {
                String entry = w[2];
                if (types.get(w[1]) == IpsetType.HASH_IP_PORT_NET) {
                    entry = withPrefix(entry);
                }
                out.computeIfAbsent(w[1], k -> new TreeSet<>()).add(entry);
            }
        }
        return out;
    }

    private static String withPrefix(String entry) {
        int last = entry.lastIndexOf(',');
        if (last < 0 || entry.indexOf('/', last) >= 0) {
            return entry;
        }
        return entry + (entry.substring(last + 1).indexOf(':') >= 0 ? "/128" : "/32");
    }
}
