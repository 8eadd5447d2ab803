package io.sluice.core.config;

import java.util.Locale;

/**
 * Command-line values that replace the file's ({@code --hostname-override}, {@code --kubeconfig},
 * {@code --metrics-bind-address}, {@code --healthz-bind-address}, {@code --proxy-mode}, {@code --service-proxy-name}).
 * Each is null when the flag was not given.
 *
 * <p>kube-proxy documents most of these flags as ignored when {@code --config} is given, except
 * {@code --hostname-override}, which "takes precedence over the HostnameOverride value from the config file"
 * (options.go). The CLI decides which flags reach this record; {@link #apply} replaces every non-null one.
 */
public record ConfigOverrides(String hostnameOverride, String kubeconfig, String metricsBindAddress,
                              String healthzBindAddress, String mode, String serviceProxyName) {

    public static final ConfigOverrides NONE = new ConfigOverrides(null, null, null, null, null, null);

    /**
     * The configuration with every given value replaced, validated like the file's fields.
     *
     * @throws ConfigException naming the flag when a value is invalid
     */
    public ProxyConfig apply(ProxyConfig base) throws ConfigException {
        ProxyConfig c = base;
        if (hostnameOverride != null && !hostnameOverride.isBlank()) {
            c = c.withHostnameOverride(hostnameOverride.strip().toLowerCase(Locale.ROOT));
        }
        if (kubeconfig != null) {
            c = c.withKubeconfig(kubeconfig);
        }
        if (metricsBindAddress != null || healthzBindAddress != null) {
            String metrics = metricsBindAddress == null ? c.metricsBindAddress()
                    : KubeProxyConfigurationLoader.bindAddress(metricsBindAddress, "--metrics-bind-address",
                    ProxyConfig.DEFAULT_METRICS_BIND_ADDRESS);
            String healthz = healthzBindAddress == null ? c.healthzBindAddress()
                    : KubeProxyConfigurationLoader.bindAddress(healthzBindAddress, "--healthz-bind-address",
                    ProxyConfig.DEFAULT_HEALTHZ_BIND_ADDRESS);
            c = c.withBindAddresses(metrics, healthz);
        }
        if (mode != null) {
            c = c.withMode(KubeProxyConfigurationLoader.mode(mode, "--proxy-mode"));
        }
        if (serviceProxyName != null) {
            c = c.withServiceProxyName(serviceProxyName);
        }
        return c;
    }
}
