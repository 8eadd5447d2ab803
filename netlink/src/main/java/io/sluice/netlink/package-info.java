/**
 * Netlink in Java through jnr-ffi, shared by every backend that talks to the kernel: no JNI code, no ip/ipvsadm/nft
 * processes.
 *
 * <ul>
 *   <li>Codec, pure Java, testable without a kernel: {@link io.sluice.netlink.NetlinkMessageBuilder} (an
 *       {@link io.sluice.netlink.AttributeWriter}), {@link io.sluice.netlink.NetlinkMessageParser},
 *       {@link io.sluice.netlink.Attributes}/{@link io.sluice.netlink.Attribute} (bounds-checked; they throw
 *       {@link io.sluice.netlink.MalformedNetlinkMessageException} and never read past a buffer) and
 *       {@link io.sluice.netlink.ReplyCollector} (ACK, NLMSG_ERROR, multipart dumps up to NLMSG_DONE).</li>
 *   <li>Transport: {@link io.sluice.netlink.NetlinkTransport}, implemented by {@link io.sluice.netlink.NetlinkSocket}
 *       over {@link io.sluice.netlink.LibC} (loaded lazily on the first socket, so building or parsing messages never
 *       loads native code). {@link io.sluice.netlink.Errno} names the kernel's error codes.</li>
 *   <li>Protocols: {@link io.sluice.netlink.GenericNetlink} (family lookup) and
 *       {@link io.sluice.netlink.RtnetlinkMessages} (links and addresses). The IPVS family lives with its backend
 *       ({@code io.sluice.ipvs.netlink}).</li>
 * </ul>
 *
 * Byte order: host order for integers, big-endian for ports, as the kernel's {@code nla_get_u32}/{@code __be16}
 * fields want. Nothing here is thread-safe: one thread owns each socket.
 */
package io.sluice.netlink;
