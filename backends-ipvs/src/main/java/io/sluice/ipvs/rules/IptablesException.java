package io.sluice.ipvs.rules;

/** An iptables command or restore that failed; the message names the command and carries its stderr. */
public class IptablesException extends Exception {
    public IptablesException(String message) {
        super(message);
    }
}
