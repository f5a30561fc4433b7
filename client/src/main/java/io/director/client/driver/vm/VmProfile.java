package io.director.client.driver.vm;

/** The machine sizes a VM can be created with by name (spec: jails-vms.md, from cloud-machine). */
public enum VmProfile {
    CS0("256M", 1, "20G"),
    CS1("512M", 1, "20G"),
    CS2("1G", 1, "40G"),
    CS3("2G", 2, "40G"),
    CS4("4G", 2, "80G"),
    CS5("8G", 4, "80G");

    private final String memory;
    private final int cpus;
    private final String disk;

    VmProfile(String memory, int cpus, String disk) {
        this.memory = memory;
        this.cpus = cpus;
        this.disk = disk;
    }

    /** Memory as QEMU's {@code -m} takes it, e.g. {@code 512M}. */
    public String memory() {
        return memory;
    }

    public int cpus() {
        return cpus;
    }

    /** Disk size as {@code qemu-img} takes it, e.g. {@code 20G}. */
    public String disk() {
        return disk;
    }
}
