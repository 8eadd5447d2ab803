package io.sluice.ipvs.netlink;

/** IPVS connection timeouts in seconds (IPVS_CMD_GET_CONFIG / SET_CONFIG). */
public record IpvsTimeouts(int tcp, int tcpFin, int udp) {
}
