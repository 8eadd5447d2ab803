package io.sluice.ipvs;

import io.sluice.core.model.IpFamily;

/**
 * One kernel change of an IPVS-mode sync. {@link IpvsReconciler} computes them as a pure diff and applies them in
 * list order; {@link IpvsBackend#render} prints the list a sync from an empty kernel would apply.
 *
 * <p>Every text built here contains only canonical addresses, numbers, enum names and fixed words.
 */
public sealed interface IpvsOperation {

    /** The render section this operation belongs to. */
    Section section();

    /** One log line naming the operation and its object. */
    String describe();

    /** Short, fixed operation name for {@code sluice_backend_errors_total{operation}}. */
    String op();

    enum Section {
        VIRTUAL_SERVERS("# virtual servers"),
        ADDRESSES("# kube-ipvs0 addresses"),
        IPSETS("# ipsets"),
        IPTABLES("# iptables");

        private final String header;

        Section(String header) {
            this.header = header;
        }

        public String header() {
            return header;
        }
    }

    static String vsText(VirtualServer vs) {
        return vs + " scheduler=" + vs.scheduler() + " flags=" + String.format("0x%x", vs.flags())
                + " timeout=" + vs.timeout();
    }

    record EnsureDummyLink() implements IpvsOperation {
        public Section section() {
            return Section.ADDRESSES;
        }

        public String describe() {
            return "ensure link " + DummyLink.NAME;
        }

        public String op() {
            return "ensure-link";
        }
    }

    record AddVirtualServer(VirtualServer vs) implements IpvsOperation {
        public Section section() {
            return Section.VIRTUAL_SERVERS;
        }

        public String describe() {
            return "add virtual-server " + vsText(vs);
        }

        public String op() {
            return "add-virtual-server";
        }
    }

    record UpdateVirtualServer(VirtualServer vs) implements IpvsOperation {
        public Section section() {
            return Section.VIRTUAL_SERVERS;
        }

        public String describe() {
            return "update virtual-server " + vsText(vs);
        }

        public String op() {
            return "update-virtual-server";
        }
    }

    /** A stale virtual server (not desired, our family, outside excludeCIDRs). */
    record DeleteVirtualServer(VirtualServer vs) implements IpvsOperation {
        public Section section() {
            return Section.VIRTUAL_SERVERS;
        }

        public String describe() {
            return "delete virtual-server " + vs;
        }

        public String op() {
            return "delete-virtual-server";
        }
    }

    record AddRealServer(VirtualServer.Key vs, RealServer rs) implements IpvsOperation {
        public Section section() {
            return Section.VIRTUAL_SERVERS;
        }

        public String describe() {
            return "add real-server " + vs + " -> " + rs + " weight=" + rs.weight();
        }

        public String op() {
            return "add-real-server";
        }
    }

    /** Re-weights a real server to 1 (it came back while draining, or a restart found it at weight 0). */
    record UpdateRealServer(VirtualServer.Key vs, RealServer rs) implements IpvsOperation {
        public Section section() {
            return Section.VIRTUAL_SERVERS;
        }

        public String describe() {
            return "update real-server " + vs + " -> " + rs + " weight=" + rs.weight();
        }

        public String op() {
            return "update-real-server";
        }
    }

    /** Graceful removal: see {@link GracefulTerminationManager#remove}. */
    record RemoveRealServer(VirtualServer.Key vs, RealServer rs) implements IpvsOperation {
        public Section section() {
            return Section.VIRTUAL_SERVERS;
        }

        public String describe() {
            return "remove real-server " + vs + " -> " + rs;
        }

        public String op() {
            return "remove-real-server";
        }
    }

    record BindAddress(String address) implements IpvsOperation {
        public Section section() {
            return Section.ADDRESSES;
        }

        public String describe() {
            return "bind " + address + " to " + DummyLink.NAME;
        }

        public String op() {
            return "bind-address";
        }
    }

    record UnbindAddress(String address) implements IpvsOperation {
        public Section section() {
            return Section.ADDRESSES;
        }

        public String describe() {
            return "unbind " + address + " from " + DummyLink.NAME;
        }

        public String op() {
            return "unbind-address";
        }
    }

    /** One {@code ipset restore -exist} payload holding every create/add/del of this sync. */
    record RestoreIpsets(String payload) implements IpvsOperation {
        public Section section() {
            return Section.IPSETS;
        }

        public String describe() {
            return "ipset restore -exist (" + payload.lines().count() + " lines)";
        }

        public String op() {
            return "ipset-restore";
        }
    }

    /** One {@code iptables-restore --noflush --counters} payload of one family. */
    record RestoreIptables(IpFamily family, String payload) implements IpvsOperation {
        public Section section() {
            return Section.IPTABLES;
        }

        public String describe() {
            return (family == IpFamily.IPv4 ? "iptables" : "ip6tables") + "-restore --noflush --counters ("
                    + payload.lines().count() + " lines)";
        }

        public String op() {
            return "iptables-restore";
        }
    }
}
