package io.sluice.core.source;

import java.util.Map;
import java.util.Objects;

/**
 * Which objects this proxy serves, by label (the {@code service.kubernetes.io/service-proxy-name} label, as kube-proxy cmd/kube-proxy/app/server.go, Antrea and kpng do):
 * <ul>
 *   <li>no proxy name: {@code !service.kubernetes.io/service-proxy-name,!service.kubernetes.io/headless}
 *       (a full kube-proxy replacement);</li>
 *   <li>proxy name X: {@code service.kubernetes.io/service-proxy-name=X,!service.kubernetes.io/headless}.</li>
 * </ul>
 * Informers send the selector to the API server; {@link #matches(Map)} applies the same rule to objects that arrive
 * without a server-side selector (files), so both sources agree.
 */
public final class ProxyNameSelector {
    /** {@code pkg/proxy/apis/well_known_labels.go} LabelServiceProxyName. */
    public static final String SERVICE_PROXY_NAME = "service.kubernetes.io/service-proxy-name";
    /** Set by the EndpointSlice controller on slices of headless Services (and by users on Services). */
    public static final String HEADLESS = "service.kubernetes.io/headless";

    private final String proxyName;

    /**
     * @param proxyName the configured {@code --service-proxy-name}; null or "" means none
     * @throws IllegalArgumentException when the name is not a valid label value (it would change the selector)
     */
    public ProxyNameSelector(String proxyName) {
        this.proxyName = proxyName == null ? "" : proxyName;
        if (!KubeNames.isLabelValue(this.proxyName)) {
            throw new IllegalArgumentException("service proxy name is not a valid label value: "
                    + KubeNames.printable(this.proxyName));
        }
    }

    public String proxyName() {
        return proxyName;
    }

    /** True when an object with these labels is served by this proxy. */
    public boolean matches(Map<String, String> labels) {
        Map<String, String> l = labels == null ? Map.of() : labels;
        if (l.containsKey(HEADLESS)) {
            return false;
        }
        if (proxyName.isEmpty()) {
            return !l.containsKey(SERVICE_PROXY_NAME);
        }
        return Objects.equals(l.get(SERVICE_PROXY_NAME), proxyName);
    }

    /** The selector in Kubernetes' text form, for logs and docs. */
    public String asLabelSelector() {
        return proxyName.isEmpty()
                ? "!" + SERVICE_PROXY_NAME + ",!" + HEADLESS
                : SERVICE_PROXY_NAME + "=" + proxyName + ",!" + HEADLESS;
    }

    @Override
    public String toString() {
        return asLabelSelector();
    }
}
