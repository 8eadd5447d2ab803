package io.sluice.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.dajudge.kindcontainer.KindContainer;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.utility.MountableFile;

/**
 * End to end on a real (single-node) kind cluster in Docker: builds the image from the repository's Dockerfile,
 * loads it into the kind node, replaces kube-proxy with Sluice's iptables overlay (kube-proxy's rules stay in the
 * kernel and Sluice adopts them, as in docs/migration.md), and checks that a ClusterIP, a NodePort and an
 * {@code externalTrafficPolicy: Local} Service created afterwards reach real pods.
 *
 * <p>Opt-in tier: compiled and run only with {@code mvn -Pkind verify -Dit.test=KindEndToEndIT}. Without a Docker
 * engine it skips with a message saying so (it fails instead under {@code SLUICE_REQUIRE_KIND=1}).
 */
class KindEndToEndIT {

    private static final String IMAGE = "sluice:e2e";
    private static final String ECHO_IMAGE = "registry.k8s.io/e2e-test-images/agnhost:2.39";
    private static final Duration PATIENCE = Duration.ofMinutes(5);

    private static KindContainer<?> kind;
    private static KubernetesClient client;
    private static String nodeIp;

    private static boolean dockerAvailable;

    @BeforeAll
    static void startClusterWithSluiceInsteadOfKubeProxy() throws Exception {
        dockerAvailable = DockerClientFactory.instance().isDockerAvailable();
        if (!dockerAvailable) {
            return; // each test reports the skip (see requireDocker) so the count of skipped tests is visible
        }

        Path root = Environment.repoRoot();
        new ImageFromDockerfile(IMAGE, false).withDockerfile(root.resolve("Dockerfile")).get();

        kind = new KindContainer<>();
        kind.start();
        client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kind.getKubeconfig())).build();
        loadImageIntoNode(IMAGE);
        nodeIp = exec("hostname", "-i").getStdout().trim().split("\\s+")[0];

        // Replace kube-proxy: its pod goes, its rules stay in the kernel until Sluice's first sync adopts them.
        client.apps().daemonSets().inNamespace("kube-system").withName("kube-proxy").delete();
        for (HasMetadata item : sluiceManifests(root)) {
            client.resource(item).forceConflicts().serverSideApply();
        }
        await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            DaemonSet ds = client.apps().daemonSets().inNamespace("kube-system").withName("sluice").get();
            assertThat(ds.getStatus().getNumberReady()).isEqualTo(1);
        });

        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("e2e").endMetadata().build())
                .serverSideApply();
        client.apps().deployments().inNamespace("e2e").resource(echoDeployment()).serverSideApply();
        await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(
                client.apps().deployments().inNamespace("e2e").withName("echo").get().getStatus().getReadyReplicas())
                .isEqualTo(2));
    }

    @BeforeEach
    void requireDocker() {
        Environment.require(dockerAvailable,
                "a Docker engine for the kind cluster (DockerClientFactory.isDockerAvailable() is false)",
                "SLUICE_REQUIRE_KIND");
    }

    @AfterAll
    static void stopCluster() {
        if (client != null) {
            client.close();
        }
        if (kind != null) {
            kind.stop();
        }
    }

    @Test
    void cluster_ip_service_reaches_the_pods() {
        Service svc = create(service("echo-clusterip", "ClusterIP", null));

        String url = "http://" + svc.getSpec().getClusterIP() + ":80/hostname";
        await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(curl(url)).startsWith("echo-"));
    }

    @Test
    void node_port_service_reaches_the_pods() {
        create(service("echo-nodeport", "NodePort", null));

        String url = "http://" + nodeIp + ":30080/hostname";
        await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(curl(url)).startsWith("echo-"));
    }

    @Test
    void external_traffic_policy_local_service_reaches_the_local_pods() {
        create(service("echo-local", "NodePort", "Local"));

        String url = "http://" + nodeIp + ":30081/hostname";
        await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(curl(url)).startsWith("echo-"));
    }

    @Test
    void sluice_reports_healthy_and_exports_kube_proxy_metrics() {
        await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(curl("http://127.0.0.1:10256/healthz")).contains("lastUpdated");
            assertThat(curl("http://127.0.0.1:10249/metrics"))
                    .contains("kubeproxy_sync_proxy_rules_last_timestamp_seconds");
        });
        assertThat(exec("iptables-save", "-t", "nat").getStdout()).contains(":KUBE-SERVICES");
    }

    /** The iptables overlay, pointed at the node's own API server and the locally loaded image. */
    private static List<HasMetadata> sluiceManifests(Path root) {
        List<HasMetadata> items = ManifestsTest.parse(ProcessResult.run(root, 120,
                Environment.requireTool("kubectl").toString(), "kustomize", "manifests/overlays/iptables")
                .assertSuccess().stdout());
        for (HasMetadata item : items) {
            if (item instanceof ConfigMap cm) {
                Map<String, String> data = new HashMap<>(cm.getData());
                // hostNetwork pod on the control-plane node: the API server listens on 6443 there, and its
                // certificate names 127.0.0.1 (kindcontainer's SANs).
                data.put("kubeconfig.conf", data.get("kubeconfig.conf")
                        .replace("https://CONTROL_PLANE_ENDPOINT:6443", "https://127.0.0.1:6443"));
                cm.setData(data);
            }
            if (item instanceof DaemonSet ds) {
                Container c = ds.getSpec().getTemplate().getSpec().getContainers().get(0);
                c.setImage(IMAGE);
                c.setImagePullPolicy("Never");
            }
        }
        return items;
    }

    private static Deployment echoDeployment() {
        return new DeploymentBuilder()
                .withNewMetadata().withName("echo").withNamespace("e2e").endMetadata()
                .withNewSpec().withReplicas(2)
                .withNewSelector().addToMatchLabels("app", "echo").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "echo").endMetadata()
                .withNewSpec().addNewContainer().withName("echo").withImage(ECHO_IMAGE)
                .withArgs("netexec", "--http-port=8080")
                .addNewPort().withContainerPort(8080).endPort()
                .withNewReadinessProbe().withNewHttpGet().withPath("/healthz").withPort(new IntOrString(8080))
                .endHttpGet().endReadinessProbe()
                .endContainer().endSpec().endTemplate().endSpec().build();
    }

    private static Service service(String name, String type, String externalTrafficPolicy) {
        Integer nodePort = switch (name) {
            case "echo-nodeport" -> 30080;
            case "echo-local" -> 30081;
            default -> null;
        };
        return new ServiceBuilder()
                .withNewMetadata().withName(name).withNamespace("e2e").endMetadata()
                .withNewSpec().withType(type).withExternalTrafficPolicy(externalTrafficPolicy)
                .addToSelector("app", "echo")
                .addNewPort().withName("http").withPort(80).withTargetPort(new IntOrString(8080))
                .withNodePort(nodePort).endPort()
                .endSpec().build();
    }

    private static Service create(Service service) {
        return client.services().inNamespace("e2e").resource(service).serverSideApply();
    }

    private static String curl(String url) throws IOException, InterruptedException {
        ExecResult r = exec("curl", "-sS", "--max-time", "5", url);
        assertThat(r.getExitCode()).as("curl %s: %s", url, r.getStderr()).isZero();
        return r.getStdout();
    }

    private static ExecResult exec(String... argv) {
        try {
            return kind.execInContainer(argv);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code kind load docker-image}, by hand: docker save, copy into the node, import into containerd. */
    private static void loadImageIntoNode(String image) throws IOException {
        Path tar = Files.createTempFile("sluice-image", ".tar");
        try (InputStream in = DockerClientFactory.instance().client().saveImageCmd(image).exec()) {
            Files.copy(in, tar, StandardCopyOption.REPLACE_EXISTING);
        }
        kind.copyFileToContainer(MountableFile.forHostPath(tar), "/tmp/sluice-image.tar");
        ExecResult r = exec("ctr", "-n", "k8s.io", "images", "import", "/tmp/sluice-image.tar");
        assertThat(r.getExitCode()).as(r.getStderr()).isZero();
        Files.deleteIfExists(tar);
    }
}
