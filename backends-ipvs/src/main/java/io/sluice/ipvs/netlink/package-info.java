/**
 * Netlink for the IPVS backend, in Java through jnr-ffi: no JNI code, no ipvsadm or ip processes.
 *
 * <ul>
 *   <li>Codec, pure Java, testable without a kernel: {@link io.sluice.ipvs.netlink.NetlinkMessageBuilder} (an
 *       {@link io.sluice.ipvs.netlink.AttributeWriter}), {@link io.sluice.ipvs.netlink.NetlinkMessageParser},
 *       {@link io.sluice.ipvs.netlink.Attributes}/{@link io.sluice.ipvs.netlink.Attribute} (bounds-checked; they throw
 *       {@link io.sluice.ipvs.netlink.MalformedNetlinkMessageException} and never read past a buffer) and
 *       {@link io.sluice.ipvs.netlink.ReplyCollector} (ACK, NLMSG_ERROR, multipart dumps up to NLMSG_DONE).</li>
 *   <li>Transport: {@link io.sluice.ipvs.netlink.NetlinkTransport}, implemented by
 *       {@link io.sluice.ipvs.netlink.NetlinkSocket} over {@link io.sluice.ipvs.netlink.LibC} (loaded lazily on the
 *       first socket, so building or parsing messages never loads native code).</li>
 *   <li>Protocols: {@link io.sluice.ipvs.netlink.GenericNetlink} (family lookup),
 *       {@link io.sluice.ipvs.netlink.IpvsMessages} (moby/ipvs encoding) behind
 *       {@link io.sluice.ipvs.netlink.NetlinkIpvsClient}, and {@link io.sluice.ipvs.netlink.RtnetlinkMessages} behind
 *       {@link io.sluice.ipvs.netlink.RtnetlinkDummyLink} (kube-ipvs0).</li>
 *   <li>{@code NetlinkSmoke} (test sources): an end-to-end check for a kernel with IPVS (the VM tier).</li>
 * </ul>
 *
 * Byte order: host order for integers, big-endian for ports, as the kernel's {@code nla_get_u32}/{@code __be16}
 * fields want. Nothing here is thread-safe: one thread owns each socket.
 */
package io.sluice.ipvs.netlink;
