package io.sluice.ipvs;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/** In-memory IPVS: virtual servers, real servers with settable connection counts, injectable failures. */
public final class FakeIpvs implements IpvsClient {
    final TreeMap<VirtualServer.Key, VirtualServer> vss = new TreeMap<>();
    final TreeMap<VirtualServer.Key, TreeMap<String, RealServer>> rss = new TreeMap<>();
    /** Mutating calls, in order. */
    final List<String> calls = new ArrayList<>();
    /** Keys whose add/update/delete/real-server calls fail with EINVAL. */
    final Set<VirtualServer.Key> failing = new HashSet<>();
    int timeoutsTcp = -1;

    /** A virtual server that exists before Sluice starts (e.g. another tool's). */
    public void preload(VirtualServer vs, RealServer... servers) {
        vss.put(vs.key(), vs);
        TreeMap<String, RealServer> m = rss.computeIfAbsent(vs.key(), k -> new TreeMap<>());
        for (RealServer r : servers) {
            m.put(r.toString(), r);
        }
    }

    public void setConns(VirtualServer.Key vs, String ip, int port, int active, int inactive) {
        RealServer cur = rss.get(vs).get(RealServer.of(ip, port).toString());
        rss.get(vs).put(cur.toString(), new RealServer(ip, port, cur.weight(), active, inactive));
    }

    public RealServer realServer(VirtualServer.Key vs, String ip, int port) {
        TreeMap<String, RealServer> m = rss.get(vs);
        return m == null ? null : m.get(RealServer.of(ip, port).toString());
    }

    private void check(String op, VirtualServer.Key k) throws IpvsException {
        if (failing.contains(k)) {
            throw new IpvsException(op, k.toString(), 22, "injected failure");
        }
    }

    @Override
    public List<VirtualServer> virtualServers() {
        List<VirtualServer> out = new ArrayList<>();
        for (VirtualServer v : vss.values()) {
            // The kernel reports the HASHED flag on every service.
            out.add(new VirtualServer(v.address(), v.protocol(), v.port(), v.scheduler(),
                    v.flags() | VirtualServer.FLAG_HASHED, v.timeout()));
        }
        return out;
    }

    @Override
    public void addVirtualServer(VirtualServer vs) throws IpvsException {
        check("add-virtual-server", vs.key());
        if (vss.containsKey(vs.key())) {
            throw new IpvsException("add-virtual-server", vs.toString(), 17, "exists");
        }
        calls.add("add-vs " + vs.key());
        vss.put(vs.key(), vs);
        rss.put(vs.key(), new TreeMap<>());
    }

    @Override
    public void updateVirtualServer(VirtualServer vs) throws IpvsException {
        check("update-virtual-server", vs.key());
        calls.add("update-vs " + vs.key());
        vss.put(vs.key(), vs);
    }

    @Override
    public void deleteVirtualServer(VirtualServer.Key vs) throws IpvsException {
        check("delete-virtual-server", vs);
        calls.add("delete-vs " + vs);
        vss.remove(vs);
        rss.remove(vs);
    }

    @Override
    public List<RealServer> realServers(VirtualServer.Key vs) throws IpvsException {
        if (!vss.containsKey(vs)) {
            throw new IpvsException("list-real-servers", vs.toString(), 3, "no such service");
        }
        return List.copyOf(rss.get(vs).values());
    }

    @Override
    public void addRealServer(VirtualServer.Key vs, RealServer rs) throws IpvsException {
        check("add-real-server", vs);
        calls.add("add-rs " + vs + " " + rs);
        rss.get(vs).put(rs.toString(), new RealServer(rs.address(), rs.port(), rs.weight(), 0, 0));
    }

    @Override
    public void updateRealServer(VirtualServer.Key vs, RealServer rs) throws IpvsException {
        check("update-real-server", vs);
        calls.add("update-rs " + vs + " " + rs + " weight=" + rs.weight());
        RealServer cur = rss.get(vs).get(rs.toString());
        rss.get(vs).put(rs.toString(), new RealServer(rs.address(), rs.port(), rs.weight(),
                cur == null ? 0 : cur.activeConns(), cur == null ? 0 : cur.inactiveConns()));
    }

    @Override
    public void deleteRealServer(VirtualServer.Key vs, RealServer rs) throws IpvsException {
        check("delete-real-server", vs);
        calls.add("delete-rs " + vs + " " + rs);
        rss.get(vs).remove(rs.toString());
    }

    @Override
    public void setTimeouts(int tcp, int tcpFin, int udp) {
        calls.add("set-timeouts " + tcp + " " + tcpFin + " " + udp);
        timeoutsTcp = tcp;
    }
}
