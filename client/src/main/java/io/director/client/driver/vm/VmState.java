package io.director.client.driver.vm;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** Where a VM is in its life: made and never booted, running, or booted before and now off. */
public enum VmState {
    CREATED, RUNNING, STOPPED;

    @JsonValue
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }
}
