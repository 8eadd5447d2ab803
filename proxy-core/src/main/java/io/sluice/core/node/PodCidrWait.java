package io.sluice.core.node;

import io.sluice.core.model.NodeInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * kube-proxy's cmd/kube-proxy/app/server_linux.go {@code waitForPodCIDR}: with {@code detectLocalMode: NodeCIDR} the
 * proxy does not program anything until its Node has {@code spec.podCIDRs}, and gives up after
 * {@link #TIMEOUT} ({@code timeoutForNodePodCIDR}, 5 minutes) with an error that stops the process.
 */
public final class PodCidrWait {
    /** kube-proxy's {@code timeoutForNodePodCIDR}. */
    public static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final Logger LOG = LoggerFactory.getLogger(PodCidrWait.class);

    private PodCidrWait() {
    }

    /**
     * Polls {@code node} (the tracker's current Node) until it has pod CIDRs.
     *
     * @return the Node with pod CIDRs, or empty after {@code timeout}
     */
    public static Optional<NodeInfo> await(Supplier<NodeInfo> node, Duration timeout, Duration poll)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean logged = false;
        while (true) {
            NodeInfo n = node.get();
            if (!n.podCIDRs().isEmpty()) {
                LOG.info("Node {} has pod CIDRs {}: detect-local-mode NodeCIDR uses them", n.name(), n.podCIDRs());
                return Optional.of(n);
            }
            if (System.nanoTime() > deadline) {
                return Optional.empty();
            }
            if (!logged) {
                LOG.info("Waiting for the Node {} to be allocated pod CIDRs (detect-local-mode NodeCIDR)", n.name());
                logged = true;
            }
            Thread.sleep(poll.toMillis());
        }
    }
}
