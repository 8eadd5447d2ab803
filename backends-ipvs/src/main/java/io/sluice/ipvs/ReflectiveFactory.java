package io.sluice.ipvs;

import io.sluice.core.exec.CommandRunner;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

/** Creates a kernel-facing implementation by class name, for {@link KernelIpvs#netlink}. */
final class ReflectiveFactory {
    private ReflectiveFactory() {
    }

    static <T> T create(String className, Class<T> type, CommandRunner runner) throws IpvsException {
        Class<?> c;
        try {
            c = Class.forName(className);
        } catch (ClassNotFoundException e) {
            throw new IpvsException("open", className, 0,
                    "not available: this build has no netlink IPVS implementation (class not found)");
        }
        try {
            Method withRunner = staticFactory(c, type, CommandRunner.class);
            if (withRunner != null) {
                return type.cast(withRunner.invoke(null, runner));
            }
            Method plain = staticFactory(c, type);
            if (plain != null) {
                return type.cast(plain.invoke(null));
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

    private static Method staticFactory(Class<?> c, Class<?> type, Class<?>... params) {
        try {
            Method m = c.getMethod("open", params);
            return Modifier.isStatic(m.getModifiers()) && type.isAssignableFrom(m.getReturnType()) ? m : null;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }
}
