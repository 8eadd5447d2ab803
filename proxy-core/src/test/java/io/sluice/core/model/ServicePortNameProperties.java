package io.sluice.core.model;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;

class ServicePortNameProperties {

    @Provide
    Arbitrary<ServicePortName> names() {
        Arbitrary<String> part = Arbitraries.strings().withChars("ab-./:z").ofMinLength(0).ofMaxLength(4);
        return net.jqwik.api.Combinators.combine(part, part, part, Arbitraries.of(Protocol.class))
                .as((ns, name, port, proto) -> ServicePortName.of(ns, name, port, proto));
    }

    @Property
    void orderIsTheStringOrderThenTheProtocol(@ForAll("names") ServicePortName a, @ForAll("names") ServicePortName b) {
        int byString = a.toString().compareTo(b.toString());
        int expected = byString != 0 ? byString : a.protocol().compareTo(b.protocol());
        assertThat(Integer.signum(a.compareTo(b))).isEqualTo(Integer.signum(expected));
    }
}
