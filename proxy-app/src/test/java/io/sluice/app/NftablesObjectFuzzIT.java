package io.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.core.backend.BackendContext;
import io.sluice.core.backend.KernelAssumptions;
import io.sluice.core.backend.ProxyBackend;
import io.sluice.core.config.KubeProxyConfigurationLoader;
import io.sluice.core.config.ProxyConfig;
import io.sluice.core.exec.CommandRunner;
import io.sluice.core.exec.ProcessCommandRunner;
import io.sluice.core.model.ProxySnapshot;
import io.sluice.testsupport.PrivilegedTier;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Privileged fuzz of the whole path from API objects to nft: Services and EndpointSlices with hostile names, port
 * names, addresses, CIDRs, protocols, timeouts and conditions (plus valid ones) are read by the file source, rendered
 * by the nftables backend (the full-sync transaction {@code sluice dump --backend nftables} prints) and checked by the
 * kernel with {@code nft --check -f -} inside network namespace {@value #NETNS}: nothing from the API may make
 * kube-proxy's transaction invalid (issue "Bad input": fuzzed objects never produce a transaction {@code nft -c}
 * rejects), and no injected text may surface as a statement of its own.
 */
@AddLifecycleHook(NftablesObjectFuzzIT.PrivilegedGate.class)
class NftablesObjectFuzzIT {
    static final String NETNS = "slnf-fuzz";
    static final String[] TOOLS = {"ip", "nft"};
    private static final CommandRunner RUN = new ProcessCommandRunner();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Text an injection would try to smuggle in as a statement of its own. */
    private static final String INJECTED = "flush ruleset";

    /** Skips the container loudly without root or nft, unless SLUICE_REQUIRE_PRIVILEGED=1 (then it fails). */
    static final class PrivilegedGate implements SkipExecutionHook {
        @Override
        public SkipResult shouldBeSkipped(LifecycleContext context) {
            String missing = PrivilegedTier.missing(TOOLS);
            if (missing == null || PrivilegedTier.required()) {
                return SkipResult.doNotSkip();
            }
            System.err.println("*** " + missing + " ***");
            return SkipResult.skip(missing);
        }
    }

    @BeforeContainer
    static void createNamespace() {
        PrivilegedTier.require(TOOLS);
        RUN.run(List.of("ip", "netns", "del", NETNS));
        CommandRunner.CommandResult r = RUN.run(List.of("ip", "netns", "add", NETNS));
        assertThat(r.ok()).as("ip netns add: " + r.stderr()).isTrue();
    }

    @AfterContainer
    static void deleteNamespace() {
        if (PrivilegedTier.isRoot()) {
            RUN.run(List.of("ip", "netns", "del", NETNS));
        }
    }

    @Property(tries = 80, afterFailure = AfterFailureMode.SAMPLE_FIRST)
    void everyTransactionRenderedFromFuzzedObjectsPassesNftCheck(@ForAll("clusters") String objectsJson,
                                                                 @ForAll boolean dualStack) throws Exception {
        Path dir = Files.createTempDirectory("slnf-fuzz");
        try {
            Path objects = Files.writeString(dir.resolve("objects.json"), objectsJson);
            ProxyConfig cfg = new KubeProxyConfigurationLoader().parse("""
                    apiVersion: kubeproxy.config.k8s.io/v1alpha1
                    kind: KubeProxyConfiguration
                    mode: nftables
                    hostnameOverride: node-a
                    clusterCIDR: %s
                    detectLocalMode: ClusterCIDR
                    """.formatted(dualStack ? "10.244.0.0/16,fd00:10:244::/48" : "10.244.0.0/16"), "node-a");
            ProxySnapshot snapshot = ObjectFiles.snapshot(List.of(objects), cfg);
            String tx;
            try (ProxyBackend backend = Backends.provider("nftables").create(
                    BackendContext.forRendering(cfg, KernelAssumptions.DUMP_DEFAULTS))) {
                tx = backend.render(snapshot);
            }
            assertThat(tx).as("a transaction").contains("add table ip");
            assertThat(tx.lines().filter(l -> l.strip().startsWith(INJECTED)).toList())
                    .as("injected statements").isEmpty();

            CommandRunner.CommandResult check = RUN.run(List.of("ip", "netns", "exec", NETNS, "nft", "--check",
                    "-f", "-"), tx, Duration.ofSeconds(60));
            assertThat(check.exitCode()).as("nft --check rejected the transaction: %s%n--- objects:%n%s%n--- tx:%n%s",
                    check.stderr(), objectsJson, tx).isZero();
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    @Provide
    Arbitrary<String> clusters() {
        return services().list().ofMinSize(1).ofMaxSize(6).map(NftablesObjectFuzzIT::list);
    }

    /** One Service and its EndpointSlice, as JSON object nodes. */
    record ServiceObjects(ObjectNode service, ObjectNode slice) {
    }

    private static String list(List<ServiceObjects> services) {
        ObjectNode root = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "List");
        ArrayNode items = root.putArray("items");
        ObjectNode node = items.addObject().put("apiVersion", "v1").put("kind", "Node");
        node.putObject("metadata").put("name", "node-a");
        ArrayNode addresses = node.putObject("status").putArray("addresses");
        addresses.addObject().put("type", "InternalIP").put("address", "192.168.50.1");
        addresses.addObject().put("type", "InternalIP").put("address", "fd00:192:168:50::1");
        ObjectNode cidr = items.addObject().put("apiVersion", "networking.k8s.io/v1").put("kind", "ServiceCIDR");
        cidr.putObject("metadata").put("name", "kubernetes");
        cidr.putObject("spec").putArray("cidrs").add("10.96.0.0/16").add("fd00:96::/112");
        for (ServiceObjects s : services) {
            items.add(s.service());
            items.add(s.slice());
        }
        return root.toPrettyString();
    }

    private Arbitrary<ServiceObjects> services() {
        Arbitrary<String> names = Arbitraries.oneOf(Arbitraries.of("web", "dns", "a", "very-long-service-name-" + "x".repeat(40)),
                hostile());
        Arbitrary<String> v4 = Arbitraries.integers().between(1, 250).map(i -> "10.96.3." + i);
        Arbitrary<String> v6 = Arbitraries.integers().between(1, 250).map(i -> "fd00:96::" + Integer.toHexString(i));
        Arbitrary<String> clusterIps = Arbitraries.oneOf(v4, v6, Arbitraries.of("None", "", "10.96.003.7", "::ffff:10.96.3.9"),
                hostile());
        Arbitrary<String> anyIp = Arbitraries.oneOf(v4, v6, Arbitraries.of("192.168.60.100", "fd00:60::100", "198.51.100.10",
                "2001:db8::10", "0.0.0.0", "::", "255.255.255.255", "1.2.3.4/24"), hostile());
        Arbitrary<String> cidrs = Arbitraries.oneOf(Arbitraries.of("192.168.50.0/24", " 203.0.113.0/25 ", "10.0.0.1/8",
                "fd00:192:168:50::/64", "0.0.0.0/0", "::/0", "1.2.3.4/33"), hostile());
        Arbitrary<String> protocols = Arbitraries.of("TCP", "UDP", "SCTP", "tcp", "ICMP", "TCP; " + INJECTED, "");
        Arbitrary<Integer> ports = Arbitraries.of(0, 1, 53, 80, 65535, 65536, -1);
        Arbitrary<Integer> nodePorts = Arbitraries.of(0, 30080, 32767, 65535, 70000, -5);
        Arbitrary<String> types = Arbitraries.of("ClusterIP", "NodePort", "LoadBalancer", "ExternalName", "Bogus");
        Arbitrary<String> policies = Arbitraries.of("Cluster", "Local", "local", "");
        Arbitrary<Integer> timeouts = Arbitraries.of(0, 1, 10800, 86400, 86401, Integer.MAX_VALUE, -1);
        Arbitrary<String> epNodes = Arbitraries.oneOf(Arbitraries.of("node-a", "node-b"), hostile());

        return Combinators.combine(
                Combinators.combine(names, names, names, clusterIps, clusterIps, protocols, ports, nodePorts)
                        .as((ns, name, portName, ip1, ip2, proto, port, nodePort) -> new Object[] {ns, name, portName,
                                ip1, ip2, proto, port, nodePort}),
                Combinators.combine(types, policies, policies, Arbitraries.of(true, false), timeouts,
                        anyIp.list().ofMaxSize(3), anyIp.list().ofMaxSize(2), cidrs.list().ofMaxSize(3))
                        .as((type, etp, itp, affinity, timeout, externalIps, lbIps, ranges) -> new Object[] {type, etp,
                                itp, affinity, timeout, externalIps, lbIps, ranges}),
                Combinators.combine(anyIp.list().ofMaxSize(4), epNodes, Arbitraries.of("IPv4", "IPv6", "FQDN", "bogus"),
                        Arbitraries.of(true, false), ports, hostile())
                        .as((epIps, epNode, addressType, terminating, targetPort, zone) -> new Object[] {epIps, epNode,
                                addressType, terminating, targetPort, zone}))
                .as(NftablesObjectFuzzIT::objects);
    }

    @SuppressWarnings("unchecked")
    private static ServiceObjects objects(Object[] a, Object[] b, Object[] c) {
        String ns = (String) a[0];
        String name = (String) a[1];
        ObjectNode svc = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Service");
        svc.putObject("metadata").put("namespace", ns).put("name", name);
        ObjectNode spec = svc.putObject("spec");
        spec.put("type", (String) b[0]).put("clusterIP", (String) a[3]);
        spec.putArray("clusterIPs").add((String) a[3]).add((String) a[4]);
        ObjectNode port = spec.putArray("ports").addObject().put("name", (String) a[2]).put("protocol", (String) a[5])
                .put("port", (Integer) a[6]);
        if ((Integer) a[7] != 0) {
            port.put("nodePort", (Integer) a[7]);
        }
        spec.put("externalTrafficPolicy", (String) b[1]).put("internalTrafficPolicy", (String) b[2]);
        if ((Boolean) b[3]) {
            spec.put("sessionAffinity", "ClientIP").putObject("sessionAffinityConfig").putObject("clientIP")
                    .put("timeoutSeconds", (Integer) b[4]);
        }
        ArrayNode ext = spec.putArray("externalIPs");
        ((List<String>) b[5]).forEach(ext::add);
        ArrayNode ranges = spec.putArray("loadBalancerSourceRanges");
        ((List<String>) b[7]).forEach(ranges::add);
        ArrayNode ingress = svc.putObject("status").putObject("loadBalancer").putArray("ingress");
        ((List<String>) b[6]).forEach(ip -> ingress.addObject().put("ip", ip));

        ObjectNode slice = JSON.createObjectNode().put("apiVersion", "discovery.k8s.io/v1").put("kind", "EndpointSlice");
        slice.putObject("metadata").put("namespace", ns).put("name", name + "-1").putObject("labels")
                .put("kubernetes.io/service-name", name);
        slice.put("addressType", (String) c[2]);
        slice.putArray("ports").addObject().put("name", (String) a[2]).put("protocol", (String) a[5])
                .put("port", (Integer) c[4]);
        ArrayNode eps = slice.putArray("endpoints");
        for (String ip : (List<String>) c[0]) {
            ObjectNode ep = eps.addObject();
            ep.putArray("addresses").add(ip);
            ep.put("nodeName", (String) c[1]).put("zone", (String) c[5]);
            ObjectNode cond = ep.putObject("conditions");
            boolean terminating = (Boolean) c[3];
            cond.put("ready", !terminating).put("serving", true).put("terminating", terminating);
        }
        return new ServiceObjects(svc, slice);
    }

    /** Strings an attacker would put into names, addresses and comments. */
    private static Arbitrary<String> hostile() {
        return Arbitraries.oneOf(
                Arbitraries.of("a\"b", "x\n" + INJECTED, "}; " + INJECTED + "; {", "$(reboot)", "a b", "ns/svc",
                        "a\\\"", "#comment", "\u00e9t\u00e9", "\u0000", "-", "@set", "10.0.0.1\n" + INJECTED,
                        "a".repeat(300), "UPPER", "dots.in.name", "semi;colon", "{braces}", "tab\tname"),
                Arbitraries.strings().withCharRange((char) 0x20, (char) 0x7e).ofMinLength(1).ofMaxLength(40));
    }
}
