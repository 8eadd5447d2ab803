package io.sluice.ipvs.ipset;

/** An {@code ipset} command that failed; the message carries the command and its stderr. */
public class IpsetException extends Exception {
    public IpsetException(String message) {
        super(message);
    }
}
