package io.director.client.driver.vm;

/**
 * What a lifecycle call did: {@code changed} false means the VM already was as asked, and the
 * job's stdout is then {@code unchanged}.
 */
public record VmOutcome(boolean changed, String text) {

    public static final String UNCHANGED = "unchanged";

    public static VmOutcome unchanged() {
        return new VmOutcome(false, UNCHANGED);
    }

    public static VmOutcome changed(String text) {
        return new VmOutcome(true, text);
    }
}
