/**
 * Configuration: kube-proxy's {@code KubeProxyConfiguration} file
 * ({@link io.sluice.core.config.KubeProxyConfigurationLoader},
 * {@link io.sluice.core.config.KubeProxyConfigurationWriter}),
 * command-line overrides ({@link io.sluice.core.config.ConfigOverrides}) and the resulting
 * {@link io.sluice.core.config.ProxyConfig}. Invalid input raises {@link io.sluice.core.config.ConfigException} naming
 * the field (the CLI exits with code 2).
 */
package io.sluice.core.config;
