package io.director.client.driver;

import java.util.Objects;

/**
 * A jail or VM that asked for supervision ({@code --restart on-failure|always}) and whose
 * recorded state is running, as its driver sees it now.
 *
 * @param name    the workload's name
 * @param restart {@code on-failure} or {@code always}
 * @param gone    its process (a jail's init, a VM's hypervisor) has ended
 * @param failed  when gone: it did not end cleanly (see each driver for what it can know)
 */
public record SupervisedWorkload(String name, String restart, boolean gone, boolean failed) {

    public SupervisedWorkload {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(restart, "restart");
    }

    /** Whether its policy asks for it to be started again now that it is gone. */
    public boolean wantsRestart() {
        return gone && (restart.equals("always") || restart.equals("on-failure") && failed);
    }
}
