package io.director.client.driver.vm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Predicate;

/**
 * A cloud-init NoCloud seed: an ISO 9660 image labelled {@code cidata} whose root holds
 * {@code user-data} (the {@code --cloud-init} file's bytes) and {@code meta-data} (the VM's name as
 * {@code instance-id} and {@code local-hostname}). The image is made by whichever maker is on the
 * PATH, from a staging directory next to it.
 */
public final class CloudInitSeed {

    /** The seed's file name in the VM's directory. */
    static final String ISO = "seed.iso";
    /** The volume label cloud-init's NoCloud source looks for. */
    static final String LABEL = "cidata";
    /** The directory the seed's two files are written to before the image is made (removed after). */
    static final String STAGING = "cidata";

    /** A program that makes an ISO 9660 image, and its command line. */
    enum Maker {
        CLOUD_LOCALDS("cloud-localds"),
        GENISOIMAGE("genisoimage"),
        XORRISO("xorriso"),
        MKISOFS("mkisofs"),
        MAKEFS("makefs");

        final String program;

        Maker(String program) {
            this.program = program;
        }

        /** The command that makes {@code iso} from the files in {@code staging}. */
        List<String> command(Path iso, Path staging) {
            String userData = staging.resolve("user-data").toString();
            String metaData = staging.resolve("meta-data").toString();
            return switch (this) {
                // cloud-localds labels its image cidata itself
                case CLOUD_LOCALDS -> List.of(program, iso.toString(), userData, metaData);
                case GENISOIMAGE, MKISOFS -> List.of(program, "-quiet", "-output", iso.toString(), "-volid", LABEL,
                        "-joliet", "-rock", userData, metaData);
                case XORRISO -> List.of(program, "-as", "mkisofs", "-quiet", "-output", iso.toString(), "-volid",
                        LABEL, "-joliet", "-rock", userData, metaData);
                case MAKEFS -> List.of(program, "-t", "cd9660", "-o", "rockridge,label=" + LABEL, iso.toString(),
                        staging.toString());
            };
        }
    }

    /** Linux: the cloud-image tool first, then the mkisofs family. */
    static final List<Maker> LINUX = List.of(Maker.CLOUD_LOCALDS, Maker.GENISOIMAGE, Maker.XORRISO, Maker.MKISOFS);
    static final String LINUX_INSTALL = "apt-get install genisoimage (or cloud-image-utils, or xorriso)";
    /** FreeBSD: makefs is in the base system; the others come from packages. */
    static final List<Maker> FREEBSD = List.of(Maker.MAKEFS, Maker.XORRISO, Maker.GENISOIMAGE, Maker.MKISOFS);
    static final String FREEBSD_INSTALL = "makefs is part of FreeBSD's base system (or pkg install xorriso)";

    private CloudInitSeed() {
    }

    /** The first of {@code order} on the PATH; none is a one-line error saying what to install. */
    static Maker choose(String vm, List<Maker> order, Predicate<String> onPath, String install) throws VmException {
        for (Maker maker : order) {
            if (onPath.test(maker.program)) {
                return maker;
            }
        }
        throw new VmException("VM '" + vm + "': --cloud-init needs one of "
                + String.join(", ", order.stream().map(m -> m.program).toList()) + " on the PATH to make its seed: "
                + install);
    }

    /** The cloud-init file's bytes; a missing or unreadable file is a one-line error naming it. */
    static byte[] read(String vm, String file) throws VmException {
        Path path = Path.of(file);
        if (!Files.isRegularFile(path)) {
            throw new VmException("VM '" + vm + "': --cloud-init '" + file + "' is not a file on this node");
        }
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new VmException("VM '" + vm + "': cannot read --cloud-init '" + file + "': " + e.getMessage(), e);
        }
    }

    /**
     * The SHA-256 (hex) of a cloud-init file's content, or null when it cannot be read (the
     * driver then reports why at create).
     */
    public static String sha256Of(String file) {
        try {
            return sha256(Files.readAllBytes(Path.of(file)));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** NoCloud's meta-data: the VM's name is its instance id and host name. */
    static String metaData(String vm) {
        return "instance-id: " + vm + "\nlocal-hostname: " + vm + "\n";
    }

    /** Writes {@code user-data} and {@code meta-data} into {@code staging} (made afresh); returns it. */
    static Path stage(String vm, Path staging, byte[] userData) throws VmException {
        try {
            deleteStaging(staging);
            Files.createDirectories(staging);
            Files.write(staging.resolve("user-data"), userData);
            Files.writeString(staging.resolve("meta-data"), metaData(vm), StandardCharsets.UTF_8);
            return staging;
        } catch (IOException e) {
            throw new VmException("VM '" + vm + "': cannot write the cloud-init seed's files in " + staging + ": "
                    + e.getMessage(), e);
        }
    }

    /** Removes the staging directory (its two files, then itself). */
    static void deleteStaging(Path staging) throws IOException {
        Files.deleteIfExists(staging.resolve("user-data"));
        Files.deleteIfExists(staging.resolve("meta-data"));
        Files.deleteIfExists(staging);
    }
}
