package io.sluice.iptables.render;

import io.sluice.core.model.ServicePortName;

/**
 * A service port the renderer left out entirely because one of its values failed the argument whitelist (defence
 * in depth behind the source layer's validation). None of its rules or chains is in the payload.
 *
 * @param name   the service port
 * @param reason which value failed, with the offending text escaped
 */
public record SkippedServicePort(ServicePortName name, String reason) {
}
