package io.sluice.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.sluice.core.config.KubeProxyConfigurationLoader;
import io.sluice.core.config.ProxyConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Renders {@code manifests/overlays/*} with {@code kubectl kustomize}, parses the output with fabric8's model and
 * checks the invariants a node proxy DaemonSet must keep (deploy conventions: kubeadm's kube-proxy DaemonSet plus the
 * JVM deltas). Without kubectl the tests skip loudly (fail under SLUICE_REQUIRE_PRIVILEGED=1).
 */
class ManifestsTest {

    private static final Map<String, List<HasMetadata>> RENDERED = new ConcurrentHashMap<>();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** Renders a kustomization directory (relative to the repository root) once per test run. */
    static List<HasMetadata> render(String kustomization) {
        Path kubectl = Environment.requireTool("kubectl");
        return RENDERED.computeIfAbsent(kustomization, k -> {
            ProcessResult r = ProcessResult.run(Environment.repoRoot(), 120,
                    kubectl.toString(), "kustomize", k).assertSuccess();
            return parse(r.stdout());
        });
    }

    static List<HasMetadata> parse(String multiDocumentYaml) {
        Object parsed = new KubernetesSerialization().unmarshal(multiDocumentYaml);
        List<HasMetadata> items = new ArrayList<>();
        if (parsed instanceof KubernetesList list) {
            items.addAll(list.getItems());
        } else if (parsed instanceof List<?> list) {
            list.forEach(o -> items.add((HasMetadata) o));
        } else {
            items.add((HasMetadata) parsed);
        }
        return items;
    }

    static <T extends HasMetadata> List<T> all(List<HasMetadata> items, Class<T> type) {
        return items.stream().filter(type::isInstance).map(type::cast).collect(Collectors.toList());
    }

    static <T extends HasMetadata> T only(List<HasMetadata> items, Class<T> type) {
        List<T> found = all(items, type);
        assertThat(found).as("exactly one %s", type.getSimpleName()).hasSize(1);
        return found.get(0);
    }

    private static PodSpec podSpec(List<HasMetadata> items) {
        return only(items, DaemonSet.class).getSpec().getTemplate().getSpec();
    }

    private static Container container(List<HasMetadata> items) {
        List<Container> containers = podSpec(items).getContainers();
        assertThat(containers).hasSize(1);
        return containers.get(0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"iptables", "ipvs", "nftables"})
    void renders_exactly_the_expected_objects_in_kube_system(String overlay) {
        List<HasMetadata> items = render("manifests/overlays/" + overlay);

        Set<String> kinds = items.stream().map(h -> h.getKind() + "/" + h.getMetadata().getName().replaceAll("-[a-z0-9]{10}$", ""))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(kinds).containsExactly("ClusterRole/sluice", "ClusterRoleBinding/sluice", "ConfigMap/sluice",
                "DaemonSet/sluice", "Service/sluice-metrics", "ServiceAccount/sluice");
        items.stream().filter(h -> !(h instanceof ClusterRole) && !(h instanceof ClusterRoleBinding))
                .forEach(h -> assertThat(h.getMetadata().getNamespace()).as(h.getKind()).isEqualTo("kube-system"));
        assertThat(items).noneMatch(h -> h instanceof GenericKubernetesResource)
                .as("the base must not need CRDs (Prometheus-operator resources belong in manifests/monitoring)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"iptables", "ipvs", "nftables"})
    void daemonset_runs_on_every_linux_node_with_host_network_and_privilege(String overlay) {
        List<HasMetadata> items = render("manifests/overlays/" + overlay);
        PodSpec spec = podSpec(items);

        assertThat(spec.getHostNetwork()).isTrue();
        assertThat(spec.getPriorityClassName()).isEqualTo("system-node-critical");
        assertThat(spec.getServiceAccountName()).isEqualTo(only(items, ServiceAccount.class).getMetadata().getName());
        assertThat(spec.getNodeSelector()).containsEntry("kubernetes.io/os", "linux");
        assertThat(spec.getTolerations()).extracting(Toleration::getKey, Toleration::getOperator, Toleration::getEffect)
                .contains(org.assertj.core.groups.Tuple.tuple(null, "Exists", null),
                        org.assertj.core.groups.Tuple.tuple("CriticalAddonsOnly", "Exists", null));
        assertThat(spec.getTerminationGracePeriodSeconds()).isPositive();
        assertThat(container(items).getSecurityContext().getPrivileged()).isTrue();

        DaemonSet ds = only(items, DaemonSet.class);
        assertThat(ds.getSpec().getUpdateStrategy().getType()).isEqualTo("RollingUpdate");
        assertThat(ds.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isEqualTo(1);
        assertThat(ds.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(ds.getSpec().getSelector().getMatchLabels());
    }

    @ParameterizedTest
    @ValueSource(strings = {"iptables", "ipvs", "nftables"})
    void node_name_comes_from_the_downward_api_and_config_from_the_configmap(String overlay) {
        List<HasMetadata> items = render("manifests/overlays/" + overlay);
        Container c = container(items);

        EnvVar nodeName = c.getEnv().stream().filter(e -> e.getName().equals("NODE_NAME")).findFirst().orElseThrow();
        assertThat(nodeName.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("spec.nodeName");
        List<String> argv = new ArrayList<>(c.getCommand() == null ? List.of() : c.getCommand());
        argv.addAll(c.getArgs());
        assertThat(argv).contains("run", "--hostname-override=$(NODE_NAME)", "--config=/var/lib/sluice/config.conf");
        argv.stream().filter(a -> a.startsWith("--")).map(a -> a.split("=", 2)[0])
                .forEach(flag -> assertThat(CliContract.OPTIONS_BY_COMMAND.get("run")).as("sluice run flag").contains(flag));

        EnvVar jvm = c.getEnv().stream().filter(e -> e.getName().equals("JAVA_TOOL_OPTIONS")).findFirst().orElseThrow();
        assertThat(jvm.getValue()).contains("-XX:+UseSerialGC", "-Xmx320m", "-XX:MaxMetaspaceSize=");
        assertThat(jvm.getValue()).as("an exhausted heap ends the process").contains("-XX:+ExitOnOutOfMemoryError");

        VolumeMount configMount = mount(c, "/var/lib/sluice");
        Volume configVolume = volume(podSpec(items), configMount.getName());
        assertThat(configVolume.getConfigMap().getName()).isEqualTo(only(items, ConfigMap.class).getMetadata().getName());
    }

    @ParameterizedTest
    @ValueSource(strings = {"iptables", "ipvs", "nftables"})
    void shares_the_xtables_lock_and_reads_kernel_modules(String overlay) {
        List<HasMetadata> items = render("manifests/overlays/" + overlay);
        Container c = container(items);
        PodSpec spec = podSpec(items);

        VolumeMount lock = mount(c, "/run/xtables.lock");
        assertThat(lock.getReadOnly()).isNotEqualTo(Boolean.TRUE);
        assertThat(volume(spec, lock.getName()).getHostPath().getPath()).isEqualTo("/run/xtables.lock");
        assertThat(volume(spec, lock.getName()).getHostPath().getType()).isEqualTo("FileOrCreate");

        VolumeMount modules = mount(c, "/lib/modules");
        assertThat(modules.getReadOnly()).isTrue();
        assertThat(volume(spec, modules.getName()).getHostPath().getPath()).isEqualTo("/lib/modules");
    }

    @ParameterizedTest
    @ValueSource(strings = {"iptables", "ipvs", "nftables"})
    void probes_use_the_healthz_port_with_a_jvm_start_delay_and_resources_are_bounded(String overlay) {
        Container c = container(render("manifests/overlays/" + overlay));

        Probe liveness = c.getLivenessProbe();
        assertThat(liveness.getHttpGet().getPath()).isEqualTo("/livez");
        assertThat(liveness.getHttpGet().getPort().getIntVal()).isEqualTo(10256);
        assertThat(liveness.getInitialDelaySeconds()).isGreaterThanOrEqualTo(20);
        Probe readiness = c.getReadinessProbe();
        assertThat(readiness.getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(readiness.getHttpGet().getPort().getIntVal()).isEqualTo(10256);
        assertThat(readiness.getInitialDelaySeconds()).isPositive();

        Map<String, Quantity> requests = c.getResources().getRequests();
        assertThat(requests).containsKeys("cpu", "memory");
        Quantity memoryLimit = c.getResources().getLimits().get("memory");
        assertThat(memoryLimit).isNotNull();
        assertThat(Quantity.getAmountInBytes(memoryLimit)).isGreaterThanOrEqualTo(Quantity.getAmountInBytes(requests.get("memory")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"iptables", "ipvs", "nftables"})
    void rbac_grants_exactly_what_the_proxy_reads_and_writes(String overlay) {
        List<HasMetadata> items = render("manifests/overlays/" + overlay);
        ClusterRole role = only(items, ClusterRole.class);

        // group/resource -> verbs, flattened over all rules, so splitting or merging rules does not matter.
        Map<String, Set<String>> grants = new TreeMap<>();
        for (PolicyRule rule : role.getRules()) {
            assertThat(rule.getResourceNames()).as("no resourceNames").isNullOrEmpty();
            assertThat(rule.getNonResourceURLs()).as("no nonResourceURLs").isNullOrEmpty();
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    grants.computeIfAbsent(group + "/" + resource, k -> new TreeSet<>()).addAll(rule.getVerbs());
                }
            }
        }
        assertThat(grants).containsExactlyInAnyOrderEntriesOf(Map.of(
                "/services", Set.of("list", "watch"),
                "discovery.k8s.io/endpointslices", Set.of("list", "watch"),
                "/nodes", Set.of("get", "list", "watch"),
                "networking.k8s.io/servicecidrs", Set.of("list", "watch"),
                "/events", Set.of("create", "patch"),
                "events.k8s.io/events", Set.of("create", "patch")));

        ClusterRoleBinding binding = only(items, ClusterRoleBinding.class);
        assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
        assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
            assertThat(s.getKind()).isEqualTo("ServiceAccount");
            assertThat(s.getName()).isEqualTo("sluice");
            assertThat(s.getNamespace()).isEqualTo("kube-system");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"iptables", "ipvs", "nftables"})
    void kubeconfig_points_at_the_real_api_server_with_the_projected_token(String overlay) throws IOException {
        ConfigMap cm = only(render("manifests/overlays/" + overlay), ConfigMap.class);
        JsonNode kubeconfig = YAML.readTree(cm.getData().get("kubeconfig.conf"));

        JsonNode cluster = kubeconfig.path("clusters").get(0).path("cluster");
        // java.net.URI leaves the host null for the CONTROL_PLANE_ENDPOINT placeholder (underscores), so match by hand.
        Matcher server = Pattern.compile("https://([^:/]+):(\\d+)/?").matcher(cluster.path("server").asText());
        assertThat(server.matches()).as("server %s is https://HOST:PORT", cluster.path("server").asText()).isTrue();
        // The `kubernetes` Service VIP (first address of the service CIDR, 10.96.0.1 by default) or its DNS name
        // only works once a proxy programmed it: the proxy itself must bypass it.
        assertThat(server.group(1)).doesNotMatch("10\\.96\\.0\\.1|10\\.0\\.0\\.1|kubernetes(\\.default.*)?|.*\\.svc(\\..*)?");
        assertThat(server.group(2)).isEqualTo("6443");
        assertThat(cluster.path("certificate-authority").asText())
                .isEqualTo("/var/run/secrets/kubernetes.io/serviceaccount/ca.crt");
        assertThat(kubeconfig.path("users").get(0).path("user").path("tokenFile").asText())
                .isEqualTo("/var/run/secrets/kubernetes.io/serviceaccount/token");
        assertThat(kubeconfig.path("current-context").asText()).isEqualTo("default");

        JsonNode config = YAML.readTree(cm.getData().get("config.conf"));
        assertThat(config.path("clientConnection").path("kubeconfig").asText())
                .isEqualTo("/var/lib/sluice/kubeconfig.conf");
    }

    @Test
    void sluice_reads_the_kubeconfig_with_the_rotating_projected_token(@TempDir Path dir) throws Exception {
        String kubeconfig = only(render("manifests/overlays/iptables"), ConfigMap.class).getData().get("kubeconfig.conf");
        Path secrets = Files.createDirectories(dir.resolve("serviceaccount"));
        Files.writeString(secrets.resolve("ca.crt"), "");
        Files.writeString(secrets.resolve("token"), "token-1\n");
        // What an operator's overlay and the pod's service-account mount turn the ConfigMap into.
        Path file = dir.resolve("kubeconfig.conf");
        Files.writeString(file, kubeconfig.replace("CONTROL_PLANE_ENDPOINT", "192.0.2.10")
                .replace("/var/run/secrets/kubernetes.io/serviceaccount", secrets.toString()));

        io.fabric8.kubernetes.client.Config config = io.sluice.core.source.KubernetesClients.config(file.toString());

        assertThat(config.getMasterUrl()).startsWith("https://192.0.2.10:6443");
        assertThat(config.getOauthTokenProvider()).as("tokenFile honoured").isNotNull();
        assertThat(config.getOauthTokenProvider().getToken()).isEqualTo("token-1");
        Files.writeString(secrets.resolve("token"), "token-2\n"); // kubelet rotates the projected token
        assertThat(config.getOauthTokenProvider().getToken()).isEqualTo("token-2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"iptables", "ipvs", "nftables"})
    void config_is_a_kube_proxy_configuration_in_the_overlay_mode(String overlay) throws Exception {
        List<HasMetadata> items = render("manifests/overlays/" + overlay);
        String text = only(items, ConfigMap.class).getData().get("config.conf");
        JsonNode config = YAML.readTree(text);

        // Sluice's own loader accepts it, in the overlay's mode, without a single "ignored field" warning.
        KubeProxyConfigurationLoader loader = new KubeProxyConfigurationLoader();
        ProxyConfig parsed = loader.parse(text, "node-a");
        assertThat(parsed.mode()).isEqualTo(overlay);
        assertThat(loader.warnings()).isEmpty();
        assertThat(parsed.metricsBindAddress()).isEqualTo("0.0.0.0:10249");
        assertThat(parsed.kubeconfig()).isEqualTo("/var/lib/sluice/kubeconfig.conf");

        assertThat(config.path("apiVersion").asText()).isEqualTo("kubeproxy.config.k8s.io/v1alpha1");
        assertThat(config.path("kind").asText()).isEqualTo("KubeProxyConfiguration");
        assertThat(config.path("mode").asText()).isEqualTo(overlay);
        assertThat(fieldPaths("", config)).as("only fields Sluice honours").isSubsetOf(CliContract.CONFIG_FIELDS);
        // The metrics Service/monitors scrape the node address, so metrics must not be bound to loopback only.
        assertThat(config.path("metricsBindAddress").asText()).isEqualTo("0.0.0.0:10249");
        assertThat(config.path("healthzBindAddress").asText()).endsWith(":10256");
        if (overlay.equals("ipvs")) {
            assertThat(config.path("ipvs").path("strictARP").asBoolean()).isTrue();
            assertThat(config.path("ipvs").path("scheduler").asText()).isNotEmpty();
        }

        Service metrics = only(items, Service.class);
        assertThat(metrics.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(metrics.getSpec().getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getName()).isEqualTo("metrics");
            assertThat(p.getPort()).isEqualTo(10249);
        });
        assertThat(only(items, DaemonSet.class).getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(metrics.getSpec().getSelector());
    }

    @ParameterizedTest
    @ValueSource(strings = {"iptables", "ipvs", "nftables"})
    void the_daemonset_command_line_is_accepted_by_the_cli(String overlay, @TempDir Path dir) throws Exception {
        List<HasMetadata> items = render("manifests/overlays/" + overlay);
        ConfigMap cm = only(items, ConfigMap.class);
        Path configDir = dir.resolve("var-lib-sluice");
        Files.createDirectories(configDir);
        Files.writeString(configDir.resolve("config.conf"), cm.getData().get("config.conf"));
        Path written = dir.resolve("effective.yaml");

        // What kubelet runs: the container args with $(NODE_NAME) expanded and the ConfigMap mounted.
        List<String> args = new ArrayList<>();
        for (String arg : container(items).getArgs()) {
            args.add(arg.replace("$(NODE_NAME)", "node-a").replace("/var/lib/sluice", configDir.toString()));
        }
        args.add("--write-config-to=" + written);
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cli = io.sluice.app.SluiceMain.commandLine();
        cli.setErr(new java.io.PrintWriter(err));
        int exit = cli.execute(args.toArray(String[]::new));

        assertThat(exit).as("sluice %s\n%s", args, err).isZero();
        ProxyConfig effective = new KubeProxyConfigurationLoader().load(written, "");
        assertThat(effective.mode()).isEqualTo(overlay);
        assertThat(effective.hostnameOverride()).isEqualTo("node-a");
        assertThat(effective.healthzBindAddress()).isEqualTo("0.0.0.0:10256");
    }

    @Test
    void monitoring_components_add_prometheus_operator_resources_without_scraping_twice() throws IOException {
        Path root = Environment.repoRoot();
        // kustomize refuses absolute paths to other kustomizations, so the ad-hoc overlays live under target/.
        Path serviceMonitorOverlay = writeOverlay(root, "kustomize-servicemonitor", "manifests/monitoring");
        Path podMonitorOverlay = writeOverlay(root, "kustomize-podmonitor", "manifests/monitoring",
                "manifests/monitoring/podmonitor");

        List<HasMetadata> withServiceMonitor = render(root.relativize(serviceMonitorOverlay).toString());
        assertThat(kinds(withServiceMonitor)).containsExactlyInAnyOrder("ServiceMonitor", "PrometheusRule");
        GenericKubernetesResource sm = generic(withServiceMonitor, "ServiceMonitor");
        assertThat(sm.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
        Map<String, Object> smSpec = sm.get("spec");
        assertThat(sm.<String>get("spec", "endpoints", 0, "port")).isEqualTo("metrics");
        assertThat(sm.<Map<String, String>>get("spec", "selector", "matchLabels"))
                .isEqualTo(only(withServiceMonitor, Service.class).getMetadata().getLabels().entrySet().stream()
                        .filter(e -> e.getKey().equals("k8s-app"))
                        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
        assertThat(smSpec).containsKey("namespaceSelector");

        List<HasMetadata> withPodMonitor = render(root.relativize(podMonitorOverlay).toString());
        assertThat(kinds(withPodMonitor)).containsExactlyInAnyOrder("PodMonitor", "PrometheusRule");
        GenericKubernetesResource pm = generic(withPodMonitor, "PodMonitor");
        assertThat(pm.<String>get("spec", "podMetricsEndpoints", 0, "port")).isEqualTo("metrics");
        assertThat(container(withPodMonitor).getPorts()).anySatisfy(p -> {
            assertThat(p.getName()).isEqualTo("metrics");
            assertThat(p.getContainerPort()).isEqualTo(10249);
        });

        GenericKubernetesResource rule = generic(withPodMonitor, "PrometheusRule");
        JsonNode groups = YAML.valueToTree(rule.<Object>get("spec", "groups"));
        Set<String> alerts = new TreeSet<>();
        groups.forEach(g -> g.path("rules").forEach(r -> {
            if (r.has("alert")) {
                alerts.add(r.path("alert").asText());
            }
        }));
        assertThat(alerts).contains("SluiceSyncStalled", "SluiceRestoreFailures", "SluiceSyncLatencyHigh",
                "SluiceNetworkProgrammingLatencyHigh");
    }

    private static Path writeOverlay(Path root, String name, String... components) throws IOException {
        Path dir = root.resolve("proxy-app/target").resolve(name);
        Files.createDirectories(dir);
        String up = "../../../";
        StringBuilder k = new StringBuilder("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n")
                .append("resources:\n- ").append(up).append("manifests/overlays/iptables\ncomponents:\n");
        for (String c : components) {
            k.append("- ").append(up).append(c).append('\n');
        }
        Files.writeString(dir.resolve("kustomization.yaml"), k.toString());
        return dir;
    }

    private static Set<String> kinds(List<HasMetadata> items) {
        return items.stream().filter(h -> h instanceof GenericKubernetesResource).map(HasMetadata::getKind)
                .collect(Collectors.toSet());
    }

    private static GenericKubernetesResource generic(List<HasMetadata> items, String kind) {
        return items.stream().filter(h -> h instanceof GenericKubernetesResource && h.getKind().equals(kind))
                .map(GenericKubernetesResource.class::cast).findFirst().orElseThrow();
    }

    private static VolumeMount mount(Container c, String path) {
        return c.getVolumeMounts().stream().filter(m -> m.getMountPath().equals(path)).findFirst()
                .orElseThrow(() -> new AssertionError("no volume mounted at " + path));
    }

    private static Volume volume(PodSpec spec, String name) {
        return spec.getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + name));
    }

    /** Dotted paths of every object field in {@code node} (array elements are leaves). */
    static Set<String> fieldPaths(String prefix, JsonNode node) {
        Set<String> paths = new TreeSet<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            paths.add(path);
            if (e.getValue().isObject()) {
                paths.addAll(fieldPaths(path, e.getValue()));
            }
        }
        return paths;
    }
}
