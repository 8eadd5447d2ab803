package io.sluice.ipvs;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

/**
 * Opens the kernel-facing IPVS client and dummy link. The real classes ({@code io.sluice.ipvs.netlink}) are found by
 * name so the proxier does not depend on the netlink layer at compile time; tests pass fakes.
 */
public interface KernelIpvs {
    String NETLINK_CLIENT = "io.sluice.ipvs.netlink.NetlinkIpvsClient";
    String RTNETLINK_LINK = "io.sluice.ipvs.netlink.RtnetlinkDummyLink";

    IpvsClient openClient() throws IpvsException;

    DummyLink openDummyLink() throws IpvsException;

    /**
     * The netlink implementations, created through a public static {@code open()} method or else a public no-arg
     * constructor. Fails with a clear {@link IpvsException} when they are not on the class path.
     */
    static KernelIpvs netlink() {
        return new KernelIpvs() {
            @Override
            public IpvsClient openClient() throws IpvsException {
                return create(NETLINK_CLIENT, IpvsClient.class);
            }

            @Override
            public DummyLink openDummyLink() throws IpvsException {
                return create(RTNETLINK_LINK, DummyLink.class);
            }
        };
    }

    private static <T> T create(String className, Class<T> type) throws IpvsException {
        Class<?> c;
        try {
            c = Class.forName(className);
        } catch (ClassNotFoundException e) {
            throw new IpvsException("open", className, 0,
                    "not available: this build has no netlink IPVS implementation (class not found)");
        }
        try {
            try {
                Method open = c.getMethod("open");
                if (Modifier.isStatic(open.getModifiers()) && type.isAssignableFrom(open.getReturnType())) {
                    return type.cast(open.invoke(null));
                }
            } catch (NoSuchMethodException e) {
                // fall through to the constructor
            }
            return type.cast(c.getConstructor().newInstance());
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IpvsException ie) {
                throw ie;
            }
            throw new IpvsException("open", className, 0, String.valueOf(cause));
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IpvsException("open", className, 0, "cannot be created: " + e);
        }
    }
}
