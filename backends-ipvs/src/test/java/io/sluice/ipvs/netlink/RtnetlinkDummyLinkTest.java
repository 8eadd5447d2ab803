package io.sluice.ipvs.netlink;

import io.sluice.ipvs.IpvsException;
import io.sluice.netlink.CannedTransport;
import io.sluice.netlink.Errno;
import io.sluice.netlink.Hex;
import io.sluice.netlink.Netlink;
import io.sluice.netlink.NetlinkMessageBuilder;
import io.sluice.netlink.Rtnetlink;
import io.sluice.netlink.RtnetlinkMessages;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** rtnetlink request layouts (little-endian host) and the dummy link's idempotency against canned replies. */
class RtnetlinkDummyLinkTest {

    @Test
    void newDummyLinkIsByteExact() {
        assertThat(Hex.of(RtnetlinkMessages.newDummyLink("kube-ipvs0").build(1, 0))).isEqualTo(Hex.of(Hex.bytes("""
                40 00 00 00 10 00 05 06 01 00 00 00 00 00 00 00   # RTM_NEWLINK, REQUEST|ACK|EXCL|CREATE
                00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00   # ifinfomsg: AF_UNSPEC, index 0, flags 0 (down)
                0f 00 03 00 6b 75 62 65 2d 69 70 76 73 30 00 00   # IFLA_IFNAME "kube-ipvs0\\0"
                10 00 12 00                                         # IFLA_LINKINFO
                09 00 01 00 64 75 6d 6d 79 00 00 00                 # IFLA_INFO_KIND "dummy" (no NUL, as iproute2)
                """)));
    }

    @Test
    void newAddressIsAHostRouteWithLocalAndAddress() {
        assertThat(Hex.of(RtnetlinkMessages.newAddress(5, "10.250.0.1").build(2, 0))).isEqualTo(Hex.of(Hex.bytes("""
                28 00 00 00 14 00 05 06 02 00 00 00 00 00 00 00   # RTM_NEWADDR
                02 20 00 00 05 00 00 00                             # AF_INET, /32, scope universe, index 5
                08 00 02 00 0a fa 00 01                             # IFA_LOCAL
                08 00 01 00 0a fa 00 01                             # IFA_ADDRESS
                """)));
        assertThat(Hex.of(RtnetlinkMessages.delAddress(5, "2001:db8::1").build(3, 0))).isEqualTo(Hex.of(Hex.bytes("""
                40 00 00 00 15 00 05 00 03 00 00 00 00 00 00 00   # RTM_DELADDR
                0a 80 00 00 05 00 00 00                             # AF_INET6, /128
                14 00 02 00 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01
                14 00 01 00 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01
                """)));
        assertThat(Hex.of(RtnetlinkMessages.getAddresses().build(4, 0))).isEqualTo(Hex.of(Hex.bytes(
                "18 00 00 00 16 00 05 03 04 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00")));
    }

    @Test
    void hostileNamesAndAddressesAreRefused() {
        assertThatThrownBy(() -> new RtnetlinkDummyLink(new CannedTransport(), "a/b"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RtnetlinkDummyLink(new CannedTransport(), "much-too-long-name0"))
                .isInstanceOf(IllegalArgumentException.class);
        CannedTransport t = new CannedTransport().answer(link(1, 5, "dummy"));
        assertThatThrownBy(() -> new RtnetlinkDummyLink(t, "kube-ipvs0").bind("10.0.0.1 dev eth0"))
                .isInstanceOf(IpvsException.class).hasMessageContaining("invalid request");
        assertThat(t.sent).hasSize(1);
    }

    @Test
    void ensureExistsCreatesADummyLinkWhenMissing() throws Exception {
        CannedTransport t = new CannedTransport()
                .answer(CannedTransport.error(1, Errno.ENODEV))
                .answer(CannedTransport.ack(2));

        new RtnetlinkDummyLink(t, "kube-ipvs0").ensureExists();

        assertThat(t.operations).containsExactly("RTM_GETLINK", "RTM_NEWLINK");
        assertThat(t.sent.get(1)).isEqualTo(RtnetlinkMessages.newDummyLink("kube-ipvs0").build(2, 0));
    }

    @Test
    void ensureExistsDoesNothingWhenPresent() throws Exception {
        CannedTransport t = new CannedTransport().answer(link(1, 5, "dummy"));

        new RtnetlinkDummyLink(t, "kube-ipvs0").ensureExists();

        assertThat(t.operations).containsExactly("RTM_GETLINK");
    }

    @Test
    void bindIgnoresEexistAndUnbindIgnoresEaddrnotavail() throws Exception {
        CannedTransport t = new CannedTransport()
                .answer(link(1, 5, "dummy")).answer(CannedTransport.error(2, Errno.EEXIST))
                .answer(link(3, 5, "dummy")).answer(CannedTransport.error(4, Errno.EADDRNOTAVAIL));
        RtnetlinkDummyLink dummy = new RtnetlinkDummyLink(t, "kube-ipvs0");

        dummy.bind("10.250.0.1");
        dummy.unbind("10.250.0.1");

        assertThat(t.operations).containsExactly("RTM_GETLINK", "RTM_NEWADDR", "RTM_GETLINK", "RTM_DELADDR");
    }

    @Test
    void otherErrorsAreReported() {
        CannedTransport t = new CannedTransport().answer(link(1, 5, "dummy")).answer(CannedTransport.error(2, 1));

        assertThatThrownBy(() -> new RtnetlinkDummyLink(t, "kube-ipvs0").bind("10.250.0.1"))
                .isInstanceOfSatisfying(IpvsException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EPERM))
                .hasMessageContaining("RTM_NEWADDR 10.250.0.1 on kube-ipvs0");
    }

    @Test
    void addressesAreFilteredByLinkAndSorted() throws Exception {
        byte[] dump = CannedTransport.concat(
                address(2, Rtnetlink.AF_INET, 5, "10.250.0.9", "10.250.0.9"),
                address(2, Rtnetlink.AF_INET, 1, "127.0.0.1", "127.0.0.1"),
                address(2, Rtnetlink.AF_INET, 5, "10.250.0.1", "192.0.2.1"),   // IFA_LOCAL wins over a peer
                address(2, Rtnetlink.AF_INET6, 5, null, "fd00::1"),            // IPv6 sends IFA_ADDRESS only
                CannedTransport.done(2));
        CannedTransport t = new CannedTransport().answer(link(1, 5, "dummy")).answer(dump);

        assertThat(new RtnetlinkDummyLink(t, "kube-ipvs0").addresses())
                .containsExactly("10.250.0.1", "10.250.0.9", "fd00::1");
    }

    @Test
    void addressesOfOtherLinksSkipTheLinkLoopbackAndIpv6LinkLocal() throws Exception {
        byte[] dump = CannedTransport.concat(
                address(2, Rtnetlink.AF_INET, 5, "10.250.0.9", "10.250.0.9"),    // on kube-ipvs0
                address(2, Rtnetlink.AF_INET, 1, "127.0.0.1", "127.0.0.1"),
                address(2, Rtnetlink.AF_INET, 2, "192.168.0.2", "192.168.0.2"),
                address(2, Rtnetlink.AF_INET6, 2, null, "fe80::1"),
                address(2, Rtnetlink.AF_INET6, 1, null, "::1"),
                address(2, Rtnetlink.AF_INET6, 2, null, "fd00:10::2"),
                CannedTransport.done(2));
        CannedTransport t = new CannedTransport().answer(link(1, 5, "dummy")).answer(dump);

        assertThat(new RtnetlinkDummyLink(t, "kube-ipvs0").addressesOfOtherLinks())
                .containsExactly("192.168.0.2", "fd00:10::2");
        assertThat(t.operations).containsExactly("RTM_GETLINK", "RTM_GETADDR");
    }

    @Test
    void deleteRefusesALinkThatIsNotADummy() {
        CannedTransport t = new CannedTransport().answer(link(1, 7, "veth"));

        assertThatThrownBy(() -> new RtnetlinkDummyLink(t, "kube-ipvs0").delete())
                .isInstanceOf(IpvsException.class).hasMessageContaining("refusing to delete");
        assertThat(t.operations).containsExactly("RTM_GETLINK");
    }

    @Test
    void deleteOfAMissingLinkIsANoOp() throws Exception {
        CannedTransport t = new CannedTransport().answer(CannedTransport.error(1, Errno.ENODEV));

        new RtnetlinkDummyLink(t, "kube-ipvs0").delete();

        assertThat(t.operations).containsExactly("RTM_GETLINK");
    }

    /** An RTM_NEWLINK reply followed by the ACK. */
    private static byte[] link(int seq, int index, String kind) {
        byte[] msg = new NetlinkMessageBuilder(Rtnetlink.RTM_NEWLINK, 0)
                .header(Rtnetlink.ifinfomsg(Rtnetlink.AF_UNSPEC, index))
                .string(Rtnetlink.IFLA_IFNAME, "kube-ipvs0")
                .nested(Rtnetlink.IFLA_LINKINFO, w -> w.string(Rtnetlink.IFLA_INFO_KIND, kind))
                .build(seq, 0);
        return CannedTransport.concat(msg, CannedTransport.ack(seq));
    }

    private static byte[] address(int seq, int family, int index, String local, String address) {
        byte[] ip = IpvsMessages.address(address);
        NetlinkMessageBuilder b = new NetlinkMessageBuilder(Rtnetlink.RTM_NEWADDR, Netlink.NLM_F_MULTI)
                .header(Rtnetlink.ifaddrmsg(family, ip.length * 8, 0, index));
        if (local != null) {
            b.bytes(Rtnetlink.IFA_LOCAL, IpvsMessages.address(local));
        }
        return b.bytes(Rtnetlink.IFA_ADDRESS, ip).build(seq, 0);
    }
}
