package io.director.client.driver.vm;

import java.time.Duration;
import java.util.List;

/** The driver of a host without one: every call fails with the same reason. */
final class UnavailableVmDriver implements VmDriver {

    private final String reason;

    UnavailableVmDriver(String reason) {
        this.reason = reason;
    }

    @Override
    public String name() {
        return "none";
    }

    @Override
    public VmOutcome create(String name, VmSpec spec) throws VmException {
        throw new VmException(reason);
    }

    @Override
    public VmOutcome start(String name) throws VmException {
        throw new VmException(reason);
    }

    @Override
    public VmOutcome stop(String name, Duration grace, boolean force) throws VmException {
        throw new VmException(reason);
    }

    @Override
    public VmOutcome destroy(String name, boolean force) throws VmException {
        throw new VmException(reason);
    }

    @Override
    public VmStatus status(String name) throws VmException {
        throw new VmException(reason);
    }

    @Override
    public List<VmStatus> list() throws VmException {
        throw new VmException(reason);
    }

    @Override
    public String console(String name, int lines) throws VmException {
        throw new VmException(reason);
    }
}
