package io.sluice.iptables.exec;

/** An iptables tool failed. {@link #exitStatus()} keeps the tool's status: 1 "does not exist", 4 resource/lock. */
public class IptablesException extends Exception {
    /** iptables' RESOURCE_PROBLEM: the lock could not be taken or the kernel said no for lack of resources. */
    public static final int RESOURCE_PROBLEM = 4;

    private final int exitStatus;

    public IptablesException(String message, int exitStatus) {
        super(message);
        this.exitStatus = exitStatus;
    }

    public int exitStatus() {
        return exitStatus;
    }

    public boolean isResourceProblem() {
        return exitStatus == RESOURCE_PROBLEM;
    }
}
