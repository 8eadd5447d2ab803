/**
 * The IPVS generic netlink family and the kube-ipvs0 link, over the shared netlink layer ({@code io.sluice.netlink}:
 * codec, socket, errno mapping, dumps).
 *
 * <ul>
 *   <li>{@link io.sluice.ipvs.netlink.IpvsMessages} (moby/ipvs encoding) behind
 *       {@link io.sluice.ipvs.netlink.NetlinkIpvsClient};</li>
 *   <li>{@link io.sluice.ipvs.netlink.RtnetlinkDummyLink} (kube-ipvs0) over {@code io.sluice.netlink.RtnetlinkMessages};
 *   </li>
 *   <li>{@code NetlinkSmoke} (test sources): an end-to-end check for a kernel with IPVS (the VM tier).</li>
 * </ul>
 *
 * Nothing here is thread-safe: one thread owns each socket.
 */
package io.sluice.ipvs.netlink;
