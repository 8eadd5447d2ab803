package io.sluice.ipvs.ipset;

import io.sluice.core.exec.CommandRunner;
import io.sluice.core.model.IpFamily;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IpsetTest {

    @Test
    void entriesAreValidatedStrictly() {
        assertThat(IpsetEntries.isValid(IpsetType.HASH_IP_PORT, IpFamily.IPv4, "10.0.0.1,tcp:80")).isTrue();
        assertThat(IpsetEntries.isValid(IpsetType.HASH_IP_PORT, IpFamily.IPv6, "fd00::1,sctp:80")).isTrue();
        assertThat(IpsetEntries.isValid(IpsetType.HASH_IP_PORT_NET, IpFamily.IPv4, "1.2.3.4,udp:53,10.0.0.0/8"))
                .isTrue();
        assertThat(IpsetEntries.isValid(IpsetType.BITMAP_PORT, IpFamily.IPv4, "30000")).isTrue();
        for (String bad : List.of("10.0.0.1,TCP:80", "10.0.0.01,tcp:80", "10.0.0.1,tcp:80\nadd X 1",
                "10.0.0.1,tcp:99999", "10.0.0.1, tcp:80", "fd00::1,tcp:80", "10.0.0.1,icmp:80", "")) {
            assertThat(IpsetEntries.isValid(IpsetType.HASH_IP_PORT, IpFamily.IPv4, bad)).as(bad).isFalse();
        }
        assertThat(IpsetEntries.isValid(IpsetType.HASH_IP_PORT_NET, IpFamily.IPv4, "1.2.3.4,udp:53,10.0.0.1/8"))
                .as("non-canonical network").isFalse();
        assertThat(IpsetEntries.isValid(IpsetType.BITMAP_PORT, IpFamily.IPv4, "80;")).isFalse();
    }

    @Test
    void ipv6NamesAreRenamedAndTruncated() {
        assertThat(IpsetSpec.familyName("KUBE-CLUSTER-IP", IpFamily.IPv6)).isEqualTo("KUBE-6-CLUSTER-IP");
        assertThat(IpsetSpec.familyName("KUBE-NODE-PORT-LOCAL-SCTP-HASH", IpFamily.IPv6))
                .isEqualTo("KUBE-6-NODE-PORT-LOCAL-SCTP-HAS");
        assertThat(IpsetSpec.familyName("KUBE-CLUSTER-IP", IpFamily.IPv4)).isEqualTo("KUBE-CLUSTER-IP");
        assertThat(KubeIpsets.forFamily(IpFamily.IPv6)).hasSize(17).allMatch(s -> s.name().length() <= 31);
        assertThat(KubeIpsets.spec(KubeIpsets.HEALTH_CHECK_NODE_PORT, IpFamily.IPv6).createLine())
                .isEqualTo("create KUBE-6-HEALTH-CHECK-NODE-PORT bitmap:port range 0-65535");
        assertThat(KubeIpsets.spec(KubeIpsets.CLUSTER_IP, IpFamily.IPv6).createLine())
                .isEqualTo("create KUBE-6-CLUSTER-IP hash:ip,port family inet6 hashsize 1024 maxelem 65536");
    }

    @Test
    void processIpsetUsesArgvAndStdin() throws Exception {
        List<List<String>> argvs = new ArrayList<>();
        List<String> stdins = new ArrayList<>();
        CommandRunner runner = (argv, stdin, timeout) -> {
            argvs.add(argv);
            stdins.add(stdin);
            if (argv.equals(List.of("ipset", "save"))) {
                return new CommandRunner.CommandResult(0, """
                        create KUBE-LOAD-BALANCER-SOURCE-CIDR hash:ip,port,net family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0x1
                        add KUBE-LOAD-BALANCER-SOURCE-CIDR 1.2.3.4,tcp:80,10.0.0.0/8
                        add KUBE-LOAD-BALANCER-SOURCE-CIDR 1.2.3.4,tcp:80,10.9.9.9
                        create KUBE-6-LOAD-BALANCER-SOURCE-CID hash:ip,port,net family inet6 hashsize 1024 maxelem 65536
                        add KUBE-6-LOAD-BALANCER-SOURCE-CID fd00::1,tcp:80,fd00::9
                        create KUBE-NODE-PORT-TCP bitmap:port range 0-65535
                        add KUBE-NODE-PORT-TCP 30080
                        create EMPTY hash:ip family inet hashsize 1024 maxelem 65536
                        """, "");
            }
            return new CommandRunner.CommandResult(argv.get(1).equals("restore") && stdin.contains("bad") ? 1 : 0, "",
                    "ipset v7.17: Syntax error");
        };
        ProcessIpset ipset = new ProcessIpset(runner);

        var all = ipset.listAll();
        assertThat(all.get("KUBE-LOAD-BALANCER-SOURCE-CIDR"))
                .containsExactly("1.2.3.4,tcp:80,10.0.0.0/8", "1.2.3.4,tcp:80,10.9.9.9/32");
        assertThat(all.get("KUBE-6-LOAD-BALANCER-SOURCE-CID")).containsExactly("fd00::1,tcp:80,fd00::9/128");
        assertThat(all.get("KUBE-NODE-PORT-TCP")).containsExactly("30080");
        assertThat(all.get("EMPTY")).isEmpty();

        ipset.restore("add KUBE-NODE-PORT-TCP 30081\n");
        assertThat(argvs.get(1)).containsExactly("ipset", "restore", "-exist");
        assertThat(stdins.get(1)).isEqualTo("add KUBE-NODE-PORT-TCP 30081\n");
        assertThatThrownBy(() -> ipset.restore("bad\n")).isInstanceOf(IpsetException.class)
                .hasMessageContaining("Syntax error");
    }
}
