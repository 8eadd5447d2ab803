package io.sluice.app;

import io.sluice.core.config.ConfigException;
import io.sluice.core.config.ConfigOverrides;
import io.sluice.core.config.KubeProxyConfigurationLoader;
import io.sluice.core.config.ProxyConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Options shared by every command that needs a configuration. The file is read and defaulted first; the flags given
 * on the command line then replace the file's values ({@link ConfigOverrides}), as kube-proxy does for
 * {@code --hostname-override}. Invalid configuration is a usage error (exit 2) naming the field or flag.
 */
public final class ConfigOptions {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigOptions.class);

    @Option(names = "--config", paramLabel = "FILE",
            description = "KubeProxyConfiguration (kubeproxy.config.k8s.io/v1alpha1) to read.")
    Path config;

    @Option(names = "--hostname-override", paramLabel = "NAME",
            description = "The node name: decides which endpoints are local and which Node object is read.")
    String hostnameOverride;

    @Option(names = "--service-proxy-name", paramLabel = "NAME",
            description = "Serve only Services labelled service.kubernetes.io/service-proxy-name=NAME "
                    + "(default: Services without the label, as kube-proxy).")
    String serviceProxyName;

    /** Loads the file (or kube-proxy's defaults), then applies these flags plus {@code extra}. */
    ProxyConfig resolve(String backendFlag, ConfigOverrides extra) {
        ProxyConfig cfg;
        if (config != null) {
            if (!Files.isReadable(config)) {
                throw new CliException(SluiceMain.EXIT_USAGE, "cannot read --config " + config);
            }
            KubeProxyConfigurationLoader loader = new KubeProxyConfigurationLoader();
            try {
                cfg = loader.load(config, "");
            } catch (ConfigException e) {
                throw new CliException(SluiceMain.EXIT_USAGE, "invalid configuration " + config + ": " + e.getMessage(), e);
            }
            loader.warnings().forEach(w -> LOG.warn("{}: {}", config, w));
        } else {
            cfg = ProxyConfig.defaults("");
        }
        try {
            cfg = new ConfigOverrides(hostnameOverride, null, null, null, backendFlag, serviceProxyName).apply(cfg);
            cfg = extra.apply(cfg);
        } catch (ConfigException e) {
            throw new CliException(SluiceMain.EXIT_USAGE, e.getMessage(), e);
        }
        return cfg.mode().isEmpty() ? cfg.withMode("iptables") : cfg;
    }

    ProxyConfig resolve(String backendFlag) {
        return resolve(backendFlag, ConfigOverrides.NONE);
    }
}
