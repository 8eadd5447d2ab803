package io.sluice.ipvs.vm;

/**
 * An endpoint "pod": a network namespace on the pod bridge running {@code pod-server.py}.
 *
 * @param name  pod name, also what its server answers ("pod1")
 * @param netns namespace name ({@code slvm-pod1})
 * @param ip    its address on the pod network
 */
record Pod(String name, String netns, String ip) {
}
