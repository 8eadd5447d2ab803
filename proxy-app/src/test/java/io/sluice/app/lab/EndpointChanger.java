package io.sluice.app.lab;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.sluice.iptables.render.ChainNames;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Endpoint changes through the lab API server: each gives one endpoint of one service a new, never used address and
 * stamps the slice's {@code last-change-trigger-time}, as the EndpointSlice controller does. Remembers earlier
 * replacements so a slice keeps them. Single-threaded.
 */
public final class EndpointChanger {
    private final KubernetesClient client;
    private final LabCluster cluster;
    private final Map<Integer, Map<Integer, String>> replaced = new HashMap<>();
    private int counter;

    public EndpointChanger(KubernetesClient client, LabCluster cluster) {
        this.client = client;
        this.cluster = cluster;
    }

    /** Gives endpoint {@code k} of {@code service} a new address; returns the KUBE-SEP chain it will have. */
    public String change(int service, int k) {
        String ip = LabCluster.changedIP(counter++);
        replaced.computeIfAbsent(service, x -> new HashMap<>()).put(k, ip);
        client.discovery().v1().endpointSlices().inNamespace(LabCluster.namespace(service))
                .resource(cluster.slice(service, replaced.get(service), Instant.now())).update();
        return ChainNames.endpointChain(LabCluster.portName(service), ip + ":" + LabCluster.TARGET_PORT);
    }
}
