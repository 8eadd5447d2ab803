package io.sluice.ipvs;

import io.sluice.core.model.IpFamily;

import java.util.List;

/**
 * Prints an operation list (from {@link IpvsReconciler#fromEmpty}) as the four dump sections. Deterministic: the
 * operation list is sorted, and this only concatenates.
 */
final class IpvsRender {
    private IpvsRender() {
    }

    static String print(List<IpvsOperation> ops) {
        StringBuilder vs = new StringBuilder();
        StringBuilder addrs = new StringBuilder();
        StringBuilder ipsets = new StringBuilder();
        StringBuilder ipt = new StringBuilder();
        StringBuilder ip6t = new StringBuilder();
        for (IpvsOperation op : ops) {
            if (op instanceof IpvsOperation.AddVirtualServer a) {
                vs.append(IpvsOperation.vsText(a.vs())).append('\n');
            } else if (op instanceof IpvsOperation.AddRealServer a) {
                vs.append("  -> ").append(a.rs()).append(" weight=").append(a.rs().weight()).append('\n');
            } else if (op instanceof IpvsOperation.BindAddress b) {
                addrs.append(b.address()).append('\n');
            } else if (op instanceof IpvsOperation.RestoreIpsets r) {
                ipsets.append(r.payload());
            } else if (op instanceof IpvsOperation.RestoreIptables r) {
                (r.family() == IpFamily.IPv4 ? ipt : ip6t).append(r.payload());
            }
        }
        StringBuilder out = new StringBuilder();
        out.append(IpvsOperation.Section.VIRTUAL_SERVERS.header()).append('\n').append(vs);
        out.append(IpvsOperation.Section.ADDRESSES.header()).append('\n').append(addrs);
        out.append(IpvsOperation.Section.IPSETS.header()).append('\n').append(ipsets);
        out.append(IpvsOperation.Section.IPTABLES.header()).append('\n').append(ipt);
        if (ip6t.length() > 0) {
            out.append("# ip6tables\n").append(ip6t);
        }
        return out.toString();
    }
}
