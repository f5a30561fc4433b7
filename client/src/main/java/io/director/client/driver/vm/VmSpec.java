package io.director.client.driver.vm;

import io.director.dsl.verb.Sizes;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a VM was created with: its size (from a profile or given), what it boots, and how it is
 * supervised. Recorded at create; creating it again with an equal spec changes nothing.
 *
 * @param profile   CS0…CS5, or null when the size was given
 * @param memory    as QEMU takes it, e.g. {@code 256M} (compared by value: {@code 1G} is {@code 1024M})
 * @param disk      as qemu-img takes it, e.g. {@code 20G} (compared by value)
 * @param image     a disk image the VM's disk is a copy-on-write overlay of, or null
 * @param kernel    a kernel booted directly, or null (then the disk boots)
 * @param cloudInit a user-data file for a NoCloud seed, or null
 * @param restart   {@code no}, {@code on-failure} or {@code always}
 * @param accel     {@code auto}, {@code kvm} or {@code tcg}
 * @param cloudInitSha256 the SHA-256 (hex) of {@code cloudInit}'s content when the seed was made, so
 *                  that a changed file is a different spec although its path is the same; null
 *                  without {@code cloudInit}
 */
public record VmSpec(String profile, String memory, int cpus, String disk, String image, String kernel, String initrd,
                     String append, String cloudInit, String restart, boolean autostart, String accel,
                     String cloudInitSha256) {

    public VmSpec {
        Objects.requireNonNull(memory, "memory");
        Objects.requireNonNull(disk, "disk");
        restart = restart == null ? "no" : restart;
        accel = accel == null ? "auto" : accel;
        if (cpus < 1) {
            throw new IllegalArgumentException("cpus must be 1 or more, got " + cpus);
        }
    }

    /** A spec whose cloud-init content is not known yet (the driver reads it at create). */
    public VmSpec(String profile, String memory, int cpus, String disk, String image, String kernel, String initrd,
                  String append, String cloudInit, String restart, boolean autostart, String accel) {
        this(profile, memory, cpus, disk, image, kernel, initrd, append, cloudInit, restart, autostart, accel, null);
    }

    /** This spec with the SHA-256 of its cloud-init file's content. */
    public VmSpec withCloudInitSha256(String sha256) {
        return new VmSpec(profile, memory, cpus, disk, image, kernel, initrd, append, cloudInit, restart, autostart,
                accel, sha256);
    }

    /** The spec of a profile, booting what the other arguments say. */
    public static VmSpec ofProfile(VmProfile profile, String image, String kernel, String initrd, String append,
                                   String cloudInit, String restart, boolean autostart, String accel) {
        return new VmSpec(profile.name(), profile.memory(), profile.cpus(), profile.disk(), image, kernel, initrd,
                append, cloudInit, restart, autostart, accel);
    }

    /** Each field that differs, as {@code memory '256M' (asked: '512M')}; empty when equal. */
    public List<String> differencesTo(VmSpec asked) {
        List<String> differences = new ArrayList<>();
        compare(differences, "profile", profile, asked.profile);
        compareSize(differences, "memory", memory, asked.memory);
        compare(differences, "cpus", cpus, asked.cpus);
        compareSize(differences, "disk", disk, asked.disk);
        compare(differences, "image", image, asked.image);
        compare(differences, "kernel", kernel, asked.kernel);
        compare(differences, "initrd", initrd, asked.initrd);
        compare(differences, "append", append, asked.append);
        compare(differences, "cloud-init", cloudInit, asked.cloudInit);
        if (cloudInit != null && asked.cloudInit != null && !Objects.equals(cloudInitSha256, asked.cloudInitSha256)) {
            differences.add("the --cloud-init content's sha-256 is " + show(cloudInitSha256) + ", asked "
                    + show(asked.cloudInitSha256));
        }
        compare(differences, "restart", restart, asked.restart);
        compare(differences, "autostart", autostart, asked.autostart);
        compare(differences, "accel", accel, asked.accel);
        return differences;
    }

    /** Equal when they ask for the same VM: {@code memory} and {@code disk} are compared by bytes. */
    @Override
    public boolean equals(Object other) {
        return other instanceof VmSpec asked && differencesTo(asked).isEmpty();
    }

    @Override
    public int hashCode() {
        return Objects.hash(profile, Sizes.hash(memory), cpus, Sizes.hash(disk), image, kernel, initrd, append,
                cloudInit, restart, autostart, accel);
    }

    /** {@code 20G} and {@code 20480M} are the same size. */
    private static void compareSize(List<String> differences, String field, String recorded, String asked) {
        if (!Sizes.same(recorded, asked)) {
            compare(differences, field, recorded, asked);
        }
    }

    private static void compare(List<String> differences, String field, Object recorded, Object asked) {
        if (!Objects.equals(recorded, asked)) {
            differences.add("--" + field + " is " + show(recorded) + ", asked " + show(asked));
        }
    }

    private static String show(Object value) {
        return value == null ? "unset" : value instanceof String ? "'" + value + "'" : value.toString();
    }
}
