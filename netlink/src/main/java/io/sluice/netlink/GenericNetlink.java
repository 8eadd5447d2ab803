package io.sluice.netlink;

/** Generic netlink controller requests ({@code nlctrl}, GENL_ID_CTRL 0x10). */
public final class GenericNetlink {
    private GenericNetlink() {
    }

    /** CTRL_CMD_GETFAMILY for {@code name}: type GENL_ID_CTRL, genl {cmd 3, version 1}, CTRL_ATTR_FAMILY_NAME. */
    public static NetlinkMessageBuilder getFamilyRequest(String name) {
        return new NetlinkMessageBuilder(Netlink.GENL_ID_CTRL, 0)
                .genlHeader(Netlink.CTRL_CMD_GETFAMILY, 1)
                .string(Netlink.CTRL_ATTR_FAMILY_NAME, name);
    }

    /**
     * Resolves a generic netlink family name ("IPVS", "nlctrl") to the dynamic message type the kernel assigned it.
     *
     * @throws NetlinkException ENOENT when no such family is registered (e.g. the ip_vs module is not loaded)
     */
    public static int resolveFamily(NetlinkTransport socket, String name) throws NetlinkException {
        String op = "CTRL_CMD_GETFAMILY(" + name + ")";
        for (NetlinkMessage m : socket.request(getFamilyRequest(name), op)) {
            try {
                var id = m.genlAttributes().find(Netlink.CTRL_ATTR_FAMILY_ID);
                if (id.isPresent()) {
                    return id.get().u16();
                }
            } catch (MalformedNetlinkMessageException e) {
                throw new NetlinkException(op, 0, "malformed reply: " + e.getMessage(), e);
            }
        }
        throw new NetlinkException(op, 0, "reply carries no CTRL_ATTR_FAMILY_ID");
    }
}
