package io.sluice.core.model;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;

class IpAddressesTest {

    @ParameterizedTest
    @CsvSource({
            "10.0.0.1,10.0.0.1",
            "172.30.0.041,172.30.0.41",       // ParseIPSloppy: leading zeros are decimal (fixture bad-ips)
            "fd00::1,fd00::1",
            "FD00:0:0:0:0:0:0:1,fd00::1",
            "2001:db8:0:0:1:0:0:1,2001:db8::1:0:0:1", // first longest run wins
            "2001:db8:0:1:1:1:1:1,2001:db8:0:1:1:1:1:1", // a single zero group is not compressed
            "::,::",
            "::1,::1",
            "::ffff:1.2.3.4,1.2.3.4",          // IPv4-mapped prints as IPv4, like Go
            "64:ff9b::1.2.3.4,64:ff9b::102:304",
    })
    void canonicalisesLikeGo(String in, String out) {
        assertThat(IpAddresses.canonical(in)).contains(out);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4 ", " 1.2.3.4", "a.b.c.d", "1::2::3",
            "fd00::1/64", "1.2.3.4\n-j ACCEPT", "12345::1", ":1::", "1:2:3:4:5:6:7:8:9", "localhost", "1.2.3.-4"})
    void rejectsNonLiterals(String in) {
        assertThat(IpAddresses.canonical(in)).isEmpty();
    }

    @Test
    void joinsHostPort() {
        assertThat(IpAddresses.joinHostPort("10.180.0.1", 80)).isEqualTo("10.180.0.1:80");
        assertThat(IpAddresses.joinHostPort("fd00::1", 80)).isEqualTo("[fd00::1]:80");
    }

    @Test
    void cidrsAreTrimmedAndMaskedToTheNetwork() {
        assertThat(Cidr.parse(" 203.0.113.0/25").map(Cidr::toString)).contains("203.0.113.0/25");
        assertThat(Cidr.parse("203.0.113.77/25").map(Cidr::toString)).contains("203.0.113.0/25");
        assertThat(Cidr.parse("fd00::5/64").map(Cidr::toString)).contains("fd00::/64");
        assertThat(Cidr.parse("1.2.3.4/33")).isEmpty();
        assertThat(Cidr.parse("1.2.3.4/+3")).isEmpty();
        assertThat(Cidr.parse("10.0.0.0/8").orElseThrow().contains("10.9.8.7")).isTrue();
        assertThat(Cidr.parse("10.0.0.0/8").orElseThrow().contains("11.0.0.1")).isFalse();
    }

    @Property
    void everyIpv6AddressRoundTripsThroughTheJdk(@ForAll @Size(16) byte[] raw) throws Exception {
        String text = IpAddresses.format(raw);
        byte[] parsed = IpAddresses.parse(text);
        byte[] viaJdk = InetAddress.getByName(text).getAddress();
        // The JDK collapses IPv4-mapped to 4 bytes, as we do.
        assertThat(parsed).isEqualTo(viaJdk);
    }

    @Property
    void everyIpv4AddressRoundTrips(@ForAll @Size(4) byte[] raw) {
        assertThat(IpAddresses.parse(IpAddresses.format(raw))).isEqualTo(raw);
    }
}
