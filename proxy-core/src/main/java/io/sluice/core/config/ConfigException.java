package io.sluice.core.config;

/**
 * An invalid configuration: the message names the field path (e.g. {@code iptables.masqueradeBit}) and the bad
 * value, like {@code iptables.masqueradeBit: must be between 0 and 31, got 40}. The CLI exits with code 2.
 */
public class ConfigException extends Exception {

    private final String field;

    /**
     * @param field   the field path ({@code ipvs.scheduler}), a flag ({@code --proxy-mode}), or "" for the whole file
     * @param problem what is wrong, including the bad value
     */
    public ConfigException(String field, String problem) {
        super(field.isEmpty() ? problem : field + ": " + problem);
        this.field = field;
    }

    public ConfigException(String field, String problem, Throwable cause) {
        super(field.isEmpty() ? problem : field + ": " + problem, cause);
        this.field = field;
    }

    /** The field path or flag at fault; "" when the file as a whole is bad. */
    public String field() {
        return field;
    }
}
