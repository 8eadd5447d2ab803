package io.sluice.ipvs;

/** A refused IPVS operation: names the operation, the object and the kernel errno (0 when not from the kernel). */
public class IpvsException extends Exception {
    private final String operation;
    private final int errno;

    public IpvsException(String operation, String object, int errno, String detail) {
        super(operation + " " + object + ": " + detail + (errno != 0 ? " (errno " + errno + ")" : ""));
        this.operation = operation;
        this.errno = errno;
    }

    public String operation() {
        return operation;
    }

    public int errno() {
        return errno;
    }
}
