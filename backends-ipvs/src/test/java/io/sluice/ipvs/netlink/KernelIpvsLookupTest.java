package io.sluice.ipvs.netlink;

import io.sluice.ipvs.DummyLink;
import io.sluice.ipvs.IpvsClient;
import io.sluice.ipvs.KernelIpvs;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link KernelIpvs#netlink()} finds the netlink classes by name and calls their public static no-argument
 * {@code open()}; this checks that contract without opening anything (which would touch the host).
 */
class KernelIpvsLookupTest {

    @Test
    void netlinkClientIsFoundByNameWithAStaticOpen() throws Exception {
        assertFactory(KernelIpvs.NETLINK_CLIENT, IpvsClient.class);
    }

    @Test
    void dummyLinkIsFoundByNameWithAStaticOpen() throws Exception {
        assertFactory(KernelIpvs.RTNETLINK_LINK, DummyLink.class);
    }

    private static void assertFactory(String className, Class<?> type) throws Exception {
        Method open = Class.forName(className).getMethod("open");
        assertThat(Modifier.isStatic(open.getModifiers())).isTrue();
        assertThat(type.isAssignableFrom(open.getReturnType())).isTrue();
    }
}
