package io.sluice.core.source;

import io.fabric8.kubernetes.api.model.AuthInfo;
import io.fabric8.kubernetes.api.model.NamedAuthInfo;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Builds the API client: in-cluster (or fabric8's usual auto-configuration) when no kubeconfig is given, else from
 * the kubeconfig file.
 *
 * <p>fabric8 does not read a kubeconfig user's {@code tokenFile} (kubeadm's kube-proxy
 * kubeconfig points at the projected service-account token, which kubelet rotates). When the current context's user
 * has one, it is supplied with {@link Config#setOauthTokenProvider}, which re-reads the file on every refresh.
 */
public final class KubernetesClients {
    private KubernetesClients() {
    }

    /**
     * @param kubeconfig path of a kubeconfig file; null or "" for in-cluster / auto configuration
     * @throws SourceException when the kubeconfig cannot be read or parsed
     */
    public static KubernetesClient create(String kubeconfig) throws SourceException {
        return new KubernetesClientBuilder().withConfig(config(kubeconfig)).build();
    }

    /** The client configuration for {@link #create(String)}. */
    public static Config config(String kubeconfig) throws SourceException {
        if (kubeconfig == null || kubeconfig.isEmpty()) {
            return Config.autoConfigure(null);
        }
        Path path = Path.of(kubeconfig);
        String text;
        try {
            text = Files.readString(path);
        } catch (IOException e) {
            throw new SourceException("cannot read kubeconfig " + path + ": " + e, e);
        }
        Config config;
        try {
            config = Config.fromKubeconfig(null, path.toAbsolutePath().toFile());
        } catch (RuntimeException e) {
            throw new SourceException("cannot parse kubeconfig " + path + ": " + e.getMessage(), e);
        }
        Optional<Path> tokenFile = tokenFile(text, path);
        tokenFile.ifPresent(f -> config.setOauthTokenProvider(() -> readToken(f)));
        return config;
    }

    /** The current context's user {@code tokenFile}, resolved against the kubeconfig's directory. */
    static Optional<Path> tokenFile(String kubeconfigText, Path kubeconfig) throws SourceException {
        io.fabric8.kubernetes.api.model.Config kc;
        try {
            kc = new KubernetesSerialization().unmarshal(kubeconfigText, io.fabric8.kubernetes.api.model.Config.class);
        } catch (RuntimeException e) {
            throw new SourceException("cannot parse kubeconfig " + kubeconfig + ": " + e.getMessage(), e);
        }
        if (kc == null || kc.getContexts() == null || kc.getUsers() == null) {
            return Optional.empty();
        }
        String user = null;
        for (NamedContext c : kc.getContexts()) {
            if (c != null && c.getContext() != null && c.getName() != null
                    && c.getName().equals(kc.getCurrentContext())) {
                user = c.getContext().getUser();
            }
        }
        for (NamedAuthInfo u : kc.getUsers()) {
            if (u == null || u.getName() == null || !u.getName().equals(user)) {
                continue;
            }
            AuthInfo info = u.getUser();
            if (info != null && info.getTokenFile() != null && !info.getTokenFile().isEmpty()) {
                Path p = Path.of(info.getTokenFile());
                Path dir = kubeconfig.toAbsolutePath().getParent();
                return Optional.of(p.isAbsolute() || dir == null ? p : dir.resolve(p));
            }
        }
        return Optional.empty();
    }

    private static String readToken(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read token file " + file, e);
        }
    }
}
