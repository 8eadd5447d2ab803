package io.sluice.ipvs.netlink;

import io.sluice.netlink.Netlink;
import io.sluice.netlink.NetlinkSocket;

import java.util.Arrays;

/**
 * Child-JVM entry point for {@link NetlinkRouteIT}: Java cannot switch network namespaces, so the test runs this
 * under {@code ip netns exec <ns>}. Usage: {@code <link> bind|unbind|list [address...]}; prints the link's addresses
 * after the operation on one line, exits 0 on success and 1 with the error otherwise.
 */
public final class NetnsRouteProbe {
    private NetnsRouteProbe() {
    }

    public static void main(String[] args) {
        try (RtnetlinkDummyLink link = new RtnetlinkDummyLink(NetlinkSocket.open(Netlink.NETLINK_ROUTE), args[0])) {
            for (String address : Arrays.copyOfRange(args, 2, args.length)) {
                switch (args[1]) {
                    case "bind" -> link.bind(address);
                    case "unbind" -> link.unbind(address);
                    case "list" -> { }
                    default -> throw new IllegalArgumentException("unknown verb " + args[1]);
                }
            }
            System.out.println("ADDRESSES " + String.join(" ", link.addresses()));
            System.exit(0);
        } catch (Exception e) {
            System.out.println("ERROR " + e);
            System.exit(1);
        }
    }
}
