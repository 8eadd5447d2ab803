package io.sluice.ipvs.netlink;

import io.sluice.ipvs.DummyLink;
import io.sluice.ipvs.IpvsException;
import io.sluice.netlink.Errno;
import io.sluice.netlink.MalformedNetlinkMessageException;
import io.sluice.netlink.Netlink;
import io.sluice.netlink.NetlinkException;
import io.sluice.netlink.NetlinkMessage;
import io.sluice.netlink.NetlinkSocket;
import io.sluice.netlink.NetlinkTransport;
import io.sluice.netlink.Rtnetlink;
import io.sluice.netlink.RtnetlinkMessages;

import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@link DummyLink} over rtnetlink. Works on any named link for the address operations (tests use {@code lo} in a
 * network namespace); {@link #ensureExists()} creates a {@code dummy} link and {@link #delete()} only ever deletes a
 * link of kind {@code dummy}, never another interface that happens to carry the name.
 *
 * <p>Idempotency follows kube-proxy: EEXIST on bind and on create is success; EADDRNOTAVAIL/ENXIO on unbind, and a
 * missing link on unbind/delete, are success. Not thread-safe.
 */
public final class RtnetlinkDummyLink implements DummyLink, AutoCloseable {
    private final NetlinkTransport transport;
    private final String name;

    public RtnetlinkDummyLink(NetlinkTransport transport, String name) {
        this.transport = transport;
        this.name = RtnetlinkMessages.checkName(name);
    }

    /** Opens a NETLINK_ROUTE socket for {@link DummyLink#NAME}. */
    public static RtnetlinkDummyLink open() throws IpvsException {
        return open(NAME);
    }

    public static RtnetlinkDummyLink open(String name) throws IpvsException {
        try {
            return new RtnetlinkDummyLink(NetlinkSocket.open(Netlink.NETLINK_ROUTE), name);
        } catch (NetlinkException e) {
            throw wrap(e, "netlink", "route socket");
        }
    }

    public String name() {
        return name;
    }

    /** The link, or empty when there is none with this name. */
    public Optional<RtnetlinkMessages.LinkInfo> link() throws IpvsException {
        String op = "RTM_GETLINK";
        try {
            for (NetlinkMessage m : transport.request(RtnetlinkMessages.getLink(name), op)) {
                if (m.type() == Rtnetlink.RTM_NEWLINK) {
                    return Optional.of(RtnetlinkMessages.parseLink(m));
                }
            }
            return Optional.empty();
        } catch (NetlinkException e) {
            if (e.errno() == Errno.ENODEV) {
                return Optional.empty();
            }
            throw wrap(e, op, name);
        } catch (MalformedNetlinkMessageException e) {
            throw new IpvsException(op, name, 0, "malformed reply: " + e.getMessage());
        }
    }

    @Override
    public void ensureExists() throws IpvsException {
        if (link().isPresent()) {
            return;
        }
        try {
            transport.request(RtnetlinkMessages.newDummyLink(name), "RTM_NEWLINK");
        } catch (NetlinkException e) {
            if (e.errno() != Errno.EEXIST) {
                throw wrap(e, "RTM_NEWLINK", name + " (dummy)");
            }
        }
    }

    /** Canonical addresses on the link, sorted; empty when the link does not exist. */
    @Override
    public Set<String> addresses() throws IpvsException {
        Optional<RtnetlinkMessages.LinkInfo> link = link();
        Set<String> out = new TreeSet<>();
        if (link.isEmpty()) {
            return out;
        }
        String op = "RTM_GETADDR";
        try {
            for (NetlinkMessage m : transport.request(RtnetlinkMessages.getAddresses(), op)) {
                if (m.type() != Rtnetlink.RTM_NEWADDR) {
                    continue;
                }
                RtnetlinkMessages.parseAddress(m)
                        .filter(a -> a.index() == link.get().index())
                        .ifPresent(a -> out.add(a.address()));
            }
        } catch (NetlinkException e) {
            throw wrap(e, op, name);
        } catch (MalformedNetlinkMessageException e) {
            throw new IpvsException(op, name, 0, "malformed reply: " + e.getMessage());
        }
        return out;
    }

    /**
     * Canonical addresses of every interface except this link, without loopback and IPv6 link-local addresses (the
     * contract of {@link io.sluice.ipvs.LocalAddresses}), from one RTM_GETADDR dump. Unlike the JDK's interface
     * enumeration, which issues several ioctls per address of every interface (kube-ipvs0 holds one per service),
     * this costs one dump parsed in memory.
     */
    public java.util.SortedSet<String> addressesOfOtherLinks() throws IpvsException {
        int index = link().map(RtnetlinkMessages.LinkInfo::index).orElse(-1);
        java.util.SortedSet<String> out = new TreeSet<>();
        String op = "RTM_GETADDR";
        try {
            for (NetlinkMessage m : transport.request(RtnetlinkMessages.getAddresses(), op)) {
                if (m.type() != Rtnetlink.RTM_NEWADDR) {
                    continue;
                }
                RtnetlinkMessages.parseAddress(m)
                        .filter(a -> a.index() != index)
                        .map(RtnetlinkMessages.AddressInfo::address)
                        .filter(a -> !io.sluice.core.model.IpAddresses.isLoopback(a) && !linkLocalV6(a))
                        .ifPresent(out::add);
            }
        } catch (NetlinkException e) {
            throw wrap(e, op, "all links");
        } catch (MalformedNetlinkMessageException e) {
            throw new IpvsException(op, "all links", 0, "malformed reply: " + e.getMessage());
        }
        return out;
    }

    /** fe80::/10. */
    private static boolean linkLocalV6(String canonical) {
        if (canonical.indexOf(':') < 0 || canonical.length() < 4) {
            return false;
        }
        String p = canonical.substring(0, 4).toLowerCase(java.util.Locale.ROOT);
        return p.equals("fe80") || p.startsWith("fe8") || p.startsWith("fe9") || p.startsWith("fea")
                || p.startsWith("feb");
    }

    @Override
    public void bind(String address) throws IpvsException {
        String op = "RTM_NEWADDR";
        int index = requireLink(op, address);
        try {
            transport.request(RtnetlinkMessages.newAddress(index, address), op);
        } catch (NetlinkException e) {
            if (e.errno() != Errno.EEXIST) {
                throw wrap(e, op, address + " on " + name);
            }
        } catch (IllegalArgumentException e) {
            throw new IpvsException(op, address + " on " + name, 0, "invalid request: " + e.getMessage());
        }
    }

    @Override
    public void unbind(String address) throws IpvsException {
        String op = "RTM_DELADDR";
        Optional<RtnetlinkMessages.LinkInfo> link = link();
        if (link.isEmpty()) {
            return;
        }
        try {
            transport.request(RtnetlinkMessages.delAddress(link.get().index(), address), op);
        } catch (NetlinkException e) {
            // kube-proxy's UnbindAddress ignores ENXIO; the kernel answers EADDRNOTAVAIL for an absent address.
            if (e.errno() != Errno.EADDRNOTAVAIL && e.errno() != Errno.ENXIO && e.errno() != Errno.ENODEV) {
                throw wrap(e, op, address + " on " + name);
            }
        } catch (IllegalArgumentException e) {
            throw new IpvsException(op, address + " on " + name, 0, "invalid request: " + e.getMessage());
        }
    }

    @Override
    public void delete() throws IpvsException {
        String op = "RTM_DELLINK";
        Optional<RtnetlinkMessages.LinkInfo> link = link();
        if (link.isEmpty()) {
            return;
        }
        if (!"dummy".equals(link.get().kind())) {
            throw new IpvsException(op, name, 0, "refusing to delete a link of kind \"" + link.get().kind()
                    + "\"; only a dummy link is Sluice's");
        }
        try {
            transport.request(RtnetlinkMessages.delLink(link.get().index()), op);
        } catch (NetlinkException e) {
            if (e.errno() != Errno.ENODEV) {
                throw wrap(e, op, name);
            }
        }
    }

    @Override
    public void close() {
        transport.close();
    }

    private int requireLink(String op, String address) throws IpvsException {
        return link().orElseThrow(() -> new IpvsException(op, address + " on " + name, Errno.ENODEV,
                "link " + name + " does not exist")).index();
    }

    private static IpvsException wrap(NetlinkException e, String op, String object) {
        IpvsException x = new IpvsException(op, object, e.errno(),
                e.errno() != 0 ? Errno.describe(e.errno()) : e.getMessage());
        x.initCause(e);
        return x;
    }
}
