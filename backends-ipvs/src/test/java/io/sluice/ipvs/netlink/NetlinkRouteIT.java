package io.sluice.ipvs.netlink;

import io.sluice.core.exec.CommandRunner;
import io.sluice.core.exec.ProcessCommandRunner;
import io.sluice.ipvs.IpvsException;
import io.sluice.netlink.Errno;
import io.sluice.netlink.GenericNetlink;
import io.sluice.netlink.Netlink;
import io.sluice.netlink.NetlinkException;
import io.sluice.netlink.NetlinkSocket;
import io.sluice.testsupport.PrivilegedTier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The real kernel through jnr-ffi. In the host namespace only READS happen (RTM_GETLINK, RTM_GETADDR dump,
 * CTRL_CMD_GETFAMILY); every write happens in a child JVM inside a network namespace {@code slnl-rt-<pid>} that the
 * test creates and deletes (Java cannot enter a namespace itself).
 */
class NetlinkRouteIT {
    private final CommandRunner runner = new ProcessCommandRunner();
    private final String namespace = "slnl-rt-" + ProcessHandle.current().pid();
    private boolean namespaceCreated;

    @AfterEach
    void deleteNamespace() {
        if (namespaceCreated) {
            runner.run(List.of("ip", "netns", "del", namespace));
        }
    }

    @Test
    void loopbackAddressesAreReadWithAnAddressDump() throws Exception {
        PrivilegedTier.requireRoot();

        try (RtnetlinkDummyLink lo = new RtnetlinkDummyLink(NetlinkSocket.open(Netlink.NETLINK_ROUTE), "lo")) {
            var link = lo.link().orElseThrow();

            assertThat(link.name()).isEqualTo("lo");
            assertThat(link.index()).isPositive();
            assertThat(lo.addresses()).contains("127.0.0.1");
        }
    }

    @Test
    void missingLinkHasNoAddresses() throws Exception {
        PrivilegedTier.requireRoot();

        try (RtnetlinkDummyLink none = new RtnetlinkDummyLink(NetlinkSocket.open(Netlink.NETLINK_ROUTE), "slnl-none0")) {
            assertThat(none.link()).isEmpty();
            assertThat(none.addresses()).isEmpty();
        }
    }

    @Test
    void genericNetlinkControllerResolvesItself() throws Exception {
        PrivilegedTier.requireRoot();

        try (NetlinkSocket s = NetlinkSocket.open(Netlink.NETLINK_GENERIC)) {
            assertThat(s.portId()).isNotZero();
            assertThat(GenericNetlink.resolveFamily(s, "nlctrl")).isEqualTo(Netlink.GENL_ID_CTRL);
            // The socket stays usable after a refused request.
            assertThatThrownBy(() -> GenericNetlink.resolveFamily(s, "slnlnofamily"))
                    .isInstanceOfSatisfying(NetlinkException.class,
                            e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT));
            assertThat(GenericNetlink.resolveFamily(s, "nlctrl")).isEqualTo(Netlink.GENL_ID_CTRL);
        }
    }

    @Test
    void kernelWithoutIpvsGivesTheClearError() throws Exception {
        PrivilegedTier.requireRoot();
        List<List<String>> ran = new ArrayList<>();
        // modprobe is recorded, not run: nothing may change the host.
        CommandRunner recording = (argv, stdin, timeout) -> {
            ran.add(argv);
            return new CommandRunner.CommandResult(1, "", "not run in tests");
        };

        if (Files.exists(Path.of("/sys/module/ip_vs"))) {
            // A kernel with IPVS loaded (e.g. the VM tier): the family must resolve instead.
            try (NetlinkIpvsClient client = NetlinkIpvsClient.open(recording)) {
                assertThat(client.familyId()).isPositive();
            }
            return;
        }
        assertThatThrownBy(() -> NetlinkIpvsClient.open(recording))
                .isInstanceOfSatisfying(IpvsException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT))
                .hasMessageContaining(NetlinkIpvsClient.NOT_AVAILABLE);
        assertThat(ran).containsExactly(List.of("modprobe", "-va", "ip_vs"));
    }

    @Test
    void addressesAreBoundListedAndUnboundInsideANamespace() {
        PrivilegedTier.requireRoot();
        PrivilegedTier.requireTool("ip");
        ok(runner.run(List.of("ip", "netns", "add", namespace)));
        namespaceCreated = true;
        ok(runner.run(List.of("ip", "-n", namespace, "link", "set", "lo", "up")));

        String bound = probe("bind", "10.250.0.1", "2001:db8::1", "10.250.0.1");
        String kernelView = ok(runner.run(List.of("ip", "-n", namespace, "-o", "addr", "show", "dev", "lo")));
        String listed = probe("list");
        String unbound = probe("unbind", "10.250.0.1", "2001:db8::1", "10.250.0.1");
        String after = ok(runner.run(List.of("ip", "-n", namespace, "-o", "addr", "show", "dev", "lo")));

        assertThat(bound).isEqualTo("ADDRESSES 10.250.0.1 127.0.0.1 2001:db8::1 ::1");
        assertThat(kernelView).contains("inet 10.250.0.1/32").contains("inet6 2001:db8::1/128");
        assertThat(listed).isEqualTo(bound);
        assertThat(unbound).isEqualTo("ADDRESSES 127.0.0.1 ::1");
        assertThat(after).doesNotContain("10.250.0.1").doesNotContain("2001:db8::1");
    }

    /** Runs {@link NetnsRouteProbe} in the namespace on link lo; returns its ADDRESSES line. */
    private String probe(String verb, String... addresses) {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", namespace,
                ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), NetnsRouteProbe.class.getName(), "lo", verb));
        argv.addAll(List.of(addresses));
        String out = ok(runner.run(argv, "", Duration.ofSeconds(60)));
        return out.lines().filter(l -> l.startsWith("ADDRESSES")).findFirst().orElseThrow().strip();
    }

    private static String ok(CommandRunner.CommandResult r) {
        assertThat(r.exitCode()).as("exit code; stdout=%s stderr=%s", r.stdout(), r.stderr()).isZero();
        return r.stdout();
    }
}
