package io.sluice.ipvs.netlink;

import io.sluice.core.model.Protocol;
import io.sluice.ipvs.IpvsException;
import io.sluice.ipvs.RealServer;
import io.sluice.ipvs.VirtualServer;
import io.sluice.netlink.CannedTransport;
import io.sluice.netlink.Errno;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The client against a transport answering with canned kernel replies. */
class NetlinkIpvsClientTest {
    static final int FAMILY = IpvsMessagesTest.FAMILY;
    static final VirtualServer VS = IpvsMessagesTest.VS;

    @Test
    void addSendsMobyEncodingAndAcceptsTheAck() throws Exception {
        CannedTransport t = new CannedTransport().answer(CannedTransport.ack(1));

        new NetlinkIpvsClient(t, FAMILY).addVirtualServer(VS);

        assertThat(t.sent.get(0)).isEqualTo(IpvsMessages.service(FAMILY, IpvsNetlink.CMD_NEW_SERVICE, VS).build(1, 0));
        assertThat(t.operations).containsExactly("IPVS_CMD_NEW_SERVICE");
    }

    @Test
    void kernelErrorBecomesIpvsExceptionNamingOperationAndObject() {
        CannedTransport t = new CannedTransport().answer(CannedTransport.error(1, Errno.EEXIST));

        assertThatThrownBy(() -> new NetlinkIpvsClient(t, FAMILY).addVirtualServer(VS))
                .isInstanceOfSatisfying(IpvsException.class, e -> {
                    assertThat(e.operation()).isEqualTo("IPVS_CMD_NEW_SERVICE");
                    assertThat(e.errno()).isEqualTo(Errno.EEXIST);
                })
                .hasMessageContaining("10.0.0.1:80/TCP").hasMessageContaining("EEXIST");
    }

    @Test
    void dumpIsParsedSortedAndStripsHashed() throws Exception {
        CannedTransport t = new CannedTransport().answer(IpvsMessagesTest.servicesDump(1));

        assertThat(new NetlinkIpvsClient(t, FAMILY).virtualServers()).containsExactly(
                VS, new VirtualServer("2001:db8::1", Protocol.UDP, 53, "wrr", 0, 0));
    }

    @Test
    void destinationErrorsNameBothServers() {
        CannedTransport t = new CannedTransport().answer(CannedTransport.error(1, Errno.ENOENT));

        assertThatThrownBy(() -> new NetlinkIpvsClient(t, FAMILY)
                .deleteRealServer(VS.key(), RealServer.of("10.1.0.5", 8080)))
                .isInstanceOf(IpvsException.class)
                .hasMessageContaining("IPVS_CMD_DEL_DEST 10.0.0.1:80/TCP -> 10.1.0.5:8080");
    }

    @Test
    void invalidAddressIsRefusedBeforeAnythingIsSent() {
        CannedTransport t = new CannedTransport();

        assertThatThrownBy(() -> new NetlinkIpvsClient(t, FAMILY).addVirtualServer(
                new VirtualServer("not-an-ip", Protocol.TCP, 80, "rr", 0, 0)))
                .isInstanceOfSatisfying(IpvsException.class, e -> assertThat(e.errno()).isZero())
                .hasMessageContaining("invalid request");
        assertThat(t.sent).isEmpty();
    }

    @Test
    void missingFamilyGivesTheNotAvailableError() {
        CannedTransport t = new CannedTransport().answer(CannedTransport.error(1, Errno.ENOENT));

        assertThatThrownBy(() -> NetlinkIpvsClient.resolveIpvsFamily(t))
                .isInstanceOf(IpvsException.class).hasMessageContaining(NetlinkIpvsClient.NOT_AVAILABLE);
    }

    @Test
    void closeClosesTheTransport() {
        CannedTransport t = new CannedTransport();
        new NetlinkIpvsClient(t, FAMILY).close();
        assertThat(t.closed).isTrue();
    }
}
