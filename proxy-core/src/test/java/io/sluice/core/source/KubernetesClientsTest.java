package io.sluice.core.source;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KubernetesClientsTest {
    private final MockApiServer api = MockApiServer.crud();
    final KubernetesMockServer server = api.server();

    @TempDir
    Path dir;

    private Path kubeconfig(String server, String tokenFile) throws Exception {
        return Files.writeString(dir.resolve("kubeconfig.conf"), """
                apiVersion: v1
                kind: Config
                clusters:
                - cluster: {server: "%s"}
                  name: default
                contexts: [{name: default, context: {cluster: default, namespace: default, user: default}}]
                current-context: default
                users:
                - name: default
                  user: {tokenFile: "%s"}
                """.formatted(server, tokenFile));
    }

    @AfterEach
    void stopApiServer() {
        api.close();
    }

    @Test
    void tokenFileOfTheCurrentUserIsReadOnEveryRefresh() throws Exception {
        // Given a kubeconfig like kubeadm's kube-proxy one, with a relative tokenFile
        Files.writeString(dir.resolve("token"), "first-token\n");
        Path kc = kubeconfig("http://localhost:" + server.getPort(), "token");

        // When the client talks to the API server
        try (KubernetesClient client = KubernetesClients.create(kc.toString())) {
            client.services().inAnyNamespace().list();
            // Then the token from the file is sent
            assertThat(server.getLastRequest().getHeader("Authorization")).isEqualTo("Bearer first-token");
        }
        // And a rotated token is picked up by the provider
        Config config = KubernetesClients.config(kc.toString());
        Files.writeString(dir.resolve("token"), "second-token");
        assertThat(config.getOauthTokenProvider().getToken()).isEqualTo("second-token");
        assertThat(config.getMasterUrl()).startsWith("http://localhost:" + server.getPort());
    }

    @Test
    void missingKubeconfigNamesTheFile() {
        Path missing = dir.resolve("missing.conf");
        assertThatThrownBy(() -> KubernetesClients.config(missing.toString()))
                .isInstanceOf(SourceException.class).hasMessageContaining(missing.toString());
    }

    @Test
    void kubeconfigWithoutTokenFileHasNoProvider() throws Exception {
        Path kc = Files.writeString(dir.resolve("plain.conf"), """
                apiVersion: v1
                kind: Config
                clusters: [{name: c, cluster: {server: "http://localhost:1"}}]
                contexts: [{name: x, context: {cluster: c, user: u}}]
                current-context: x
                users: [{name: u, user: {token: abc}}]
                """);
        Config config = KubernetesClients.config(kc.toString());
        assertThat(config.getOauthTokenProvider()).isNull();
        assertThat(config.getOauthToken() != null ? config.getOauthToken() : config.getAutoOAuthToken())
                .isEqualTo("abc");
    }
}
