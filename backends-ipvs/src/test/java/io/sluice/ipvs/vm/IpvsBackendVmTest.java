package io.sluice.ipvs.vm;

import io.sluice.core.backend.BackendContext;
import io.sluice.core.backend.BackendProvider;
import io.sluice.core.backend.ProxyBackend;
import io.sluice.core.backend.SyncRequest;
import io.sluice.core.config.ProxyConfig;
import io.sluice.core.model.Protocol;
import io.sluice.core.model.ServicePort;
import io.sluice.ipvs.vm.Probe.Conversation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The IPVS backend against the real kernel: the "ipvs" {@link BackendProvider} (found through {@link ServiceLoader},
 * as the app finds it) programs IPVS over netlink, kube-ipvs0 over rtnetlink, ipsets and iptables in the VM's root
 * namespace (the node); traffic from the node and from an outside client namespace must reach the pod namespaces as
 * Kubernetes promises. Tests run in order: the endpoint-removal test changes the {@code drain} service and the last
 * test removes everything with {@link ProxyBackend#cleanup()}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IpvsBackendVmTest {
    private static final String WEB_IP = "10.96.0.10";
    private static final String DNS_IP = "10.96.0.11";
    private static final String NODEPORT_IP = "10.96.0.12";
    private static final int NODE_PORT = 30080;
    private static final String STICKY_IP = "10.96.0.13";
    private static final String DRAIN_IP = "10.96.0.14";
    private static final String LB_CLUSTER_IP = "10.96.0.15";
    private static final String LB_IP = "172.30.0.10";
    private static final int LB_NODE_PORT = 30081;
    private static final int POD_PORT = 8080;

    private PodNetwork net;
    private ProxyBackend backend;
    private final VmCluster cluster = new VmCluster();
    private ServicePort drain;

    @BeforeAll
    void setUp() throws Exception {
        net = PodNetwork.start(3, POD_PORT);
        List<Pod> all = net.pods();
        drain = VmCluster.svc("drain", Protocol.TCP, DRAIN_IP, 80).build();
        cluster.put(VmCluster.svc("web", Protocol.TCP, WEB_IP, 80).build(), POD_PORT, all)
                .put(VmCluster.svc("dns", Protocol.UDP, DNS_IP, 53).build(), POD_PORT, all)
                .put(VmCluster.svc("np", Protocol.TCP, NODEPORT_IP, 80).nodePort(NODE_PORT).build(), POD_PORT, all)
                .put(VmCluster.svc("sticky", Protocol.TCP, STICKY_IP, 80).clientIPAffinity(10800).build(),
                        POD_PORT, all)
                .put(drain, POD_PORT, List.of(net.pod(1), net.pod(2)))
                .put(VmCluster.svc("lb", Protocol.TCP, LB_CLUSTER_IP, 80).nodePort(LB_NODE_PORT)
                        .loadBalancer(LB_IP, PodNetwork.CLIENT_IP + "/32").build(), POD_PORT, all);
        backend = ipvsProvider().create(new BackendContext(config(), null, null, null, null));
        backend.sync(SyncRequest.full(cluster.snapshot()));
    }

    @AfterAll
    void tearDown() throws Exception {
        try {
            if (backend != null) {
                backend.cleanup();
                backend.close();
            }
        } finally {
            if (net != null) {
                net.close();
            }
        }
    }

    /** kube-proxy's defaults in IPVS mode, with a cluster CIDR (traffic from outside it is masqueraded). */
    private static ProxyConfig config() {
        ProxyConfig d = ProxyConfig.defaults(VmCluster.NODE).withMode("ipvs");
        return new ProxyConfig(d.mode(), d.hostnameOverride(), List.of("10.244.0.0/16"), "ClusterCIDR",
                d.detectLocal(), d.nodePortAddresses(), d.iptables(), d.ipvs(), d.conntrack(),
                d.metricsBindAddress(), d.healthzBindAddress(), d.kubeconfig(), d.configSyncPeriod(),
                d.serviceProxyName());
    }

    private static BackendProvider ipvsProvider() {
        return ServiceLoader.load(BackendProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals("ipvs")).findFirst()
                .orElseThrow(() -> new AssertionError("no BackendProvider named \"ipvs\" on the class path"));
    }

    @Test
    @Order(1)
    void syncProgramsVirtualServersAndBindsServiceAddresses() {
        assertThat(KernelState.virtualServers()).contains("TCP  " + WEB_IP + ":80 rr", "UDP  " + DNS_IP + ":53 rr",
                "TCP  " + PodNetwork.NODE_IP + ":" + NODE_PORT + " rr", "TCP  " + LB_IP + ":80 rr");
        assertThat(KernelState.virtualServer("-t", WEB_IP + ":80"))
                .contains("10.244.1.11:8080", "10.244.1.12:8080", "10.244.1.13:8080").contains("Masq");
        assertThat(KernelState.addresses("kube-ipvs0")).contains(WEB_IP + "/32", LB_IP + "/32");
    }

    @Test
    @Order(2)
    void clusterIpBalancesTcpOverEveryPod() {
        List<Optional<Reply>> replies = Probe.tcp(WEB_IP, 80, 12);
        assertThat(Reply.answers(replies)).doesNotContain(Reply.NO_ANSWER);
        assertThat(Reply.pods(replies)).containsExactlyInAnyOrder("pod1", "pod2", "pod3");
    }

    @Test
    @Order(3)
    void clusterIpBalancesUdpOverEveryPod() {
        Set<String> seen = new TreeSet<>();
        for (int i = 0; i < 12; i++) {
            Probe.udp(DNS_IP, 53).ifPresent(r -> seen.add(r.pod()));
        }
        assertThat(seen).containsExactlyInAnyOrder("pod1", "pod2", "pod3");
    }

    @Test
    @Order(4)
    void nodePortOnTheNodeIpServesFromTheNodeAndFromOutside() {
        List<Optional<Reply>> local = Probe.tcp(PodNetwork.NODE_IP, NODE_PORT, 6);
        assertThat(Reply.answers(local)).doesNotContain(Reply.NO_ANSWER);
        assertThat(Reply.pods(local)).hasSizeGreaterThan(1);
        List<Optional<Reply>> outside = net.fromClient("tcp", PodNetwork.CLIENT_IP, PodNetwork.NODE_IP, NODE_PORT,
                6, 3);
        assertThat(Reply.answers(outside)).doesNotContain(Reply.NO_ANSWER);
        assertThat(Reply.pods(outside)).hasSizeGreaterThan(1);
    }

    @Test
    @Order(5)
    void clientIpAffinitySticksToOnePod() {
        List<Optional<Reply>> replies = Probe.tcp(STICKY_IP, 80, 10);
        assertThat(Reply.answers(replies)).doesNotContain(Reply.NO_ANSWER);
        assertThat(Reply.pods(replies)).hasSize(1);
        assertThat(KernelState.virtualServer("-t", STICKY_IP + ":80")).contains("persistent 10800");
    }

    @Test
    @Order(6)
    void loadBalancerSourceRangesAdmitOnlyTheAllowedClient() {
        List<Optional<Reply>> allowed = net.fromClient("tcp", PodNetwork.CLIENT_IP, LB_IP, 80, 4, 3);
        assertThat(Reply.answers(allowed)).doesNotContain(Reply.NO_ANSWER);
        List<Optional<Reply>> denied = net.fromClient("tcp", PodNetwork.CLIENT_IP2, LB_IP, 80, 2, 2);
        assertThat(Reply.answers(denied)).containsOnly(Reply.NO_ANSWER);
    }

    @Test
    @Order(7)
    void removedEndpointKeepsItsEstablishedConnectionAndGetsNoNewOnes() throws Exception {
        try (Conversation c = Conversation.open(DRAIN_IP, 80)) {
            String victim = c.ask().orElseThrow(() -> new AssertionError("no answer from " + DRAIN_IP)).pod();
            List<Pod> remaining = net.pods().subList(0, 2).stream().filter(p -> !p.name().equals(victim)).toList();
            assertThat(remaining).hasSize(1);
            cluster.put(drain, POD_PORT, remaining);
            backend.sync(new SyncRequest(cluster.snapshot(), Set.of(drain.name().service()), false));

            assertThat(c.ask()).as("the established connection to %s", victim).map(Reply::pod).contains(victim);
            List<Optional<Reply>> fresh = Probe.tcp(DRAIN_IP, 80, 6);
            assertThat(Reply.answers(fresh)).doesNotContain(Reply.NO_ANSWER);
            assertThat(Reply.pods(fresh)).containsExactly(remaining.get(0).name());
            assertThat(c.ask()).as("the established connection, still").map(Reply::pod).contains(victim);
        }
    }

    @Test
    @Order(100)
    void cleanupLeavesNoVirtualServerIpsetChainOrLinkBehind() throws Exception {
        backend.cleanup();
        assertThat(KernelState.virtualServers()).isEmpty();
        assertThat(KernelState.ipsets()).noneMatch(s -> s.startsWith("KUBE-"));
        assertThat(KernelState.iptablesChains()).noneMatch(c -> c.startsWith("KUBE-"));
        assertThat(KernelState.linkExists("kube-ipvs0")).isFalse();
        backend.cleanup();
    }

}
