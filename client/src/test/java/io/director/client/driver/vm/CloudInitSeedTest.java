package io.director.client.driver.vm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The seed's makers (their exact command lines and the order they are picked in), its files and its hash. */
class CloudInitSeedTest {

    private static final Path ISO = Path.of("/v/web/seed.iso");
    private static final Path STAGING = Path.of("/v/web/cidata");

    @TempDir
    Path dir;

    @Test
    void eachMakerLabelsTheImageCidataWithUserDataAndMetaDataAtItsRoot() {
        assertEquals(List.of("cloud-localds", "/v/web/seed.iso", "/v/web/cidata/user-data", "/v/web/cidata/meta-data"),
                CloudInitSeed.Maker.CLOUD_LOCALDS.command(ISO, STAGING));
        assertEquals(List.of("genisoimage", "-quiet", "-output", "/v/web/seed.iso", "-volid", "cidata", "-joliet",
                        "-rock", "/v/web/cidata/user-data", "/v/web/cidata/meta-data"),
                CloudInitSeed.Maker.GENISOIMAGE.command(ISO, STAGING));
        assertEquals(List.of("xorriso", "-as", "mkisofs", "-quiet", "-output", "/v/web/seed.iso", "-volid", "cidata",
                        "-joliet", "-rock", "/v/web/cidata/user-data", "/v/web/cidata/meta-data"),
                CloudInitSeed.Maker.XORRISO.command(ISO, STAGING));
        assertEquals("mkisofs", CloudInitSeed.Maker.MKISOFS.command(ISO, STAGING).get(0));
        assertEquals(List.of("makefs", "-t", "cd9660", "-o", "rockridge,label=cidata", "/v/web/seed.iso", "/v/web/cidata"),
                CloudInitSeed.Maker.MAKEFS.command(ISO, STAGING));
    }

    @Test
    void theFirstMakerOnThePathIsChosenAndNoneIsOneLineSayingWhatToInstall() throws Exception {
        Set<String> installed = Set.of("mkisofs", "xorriso");
        assertEquals(CloudInitSeed.Maker.XORRISO,
                CloudInitSeed.choose("web", CloudInitSeed.LINUX, installed::contains, CloudInitSeed.LINUX_INSTALL));
        assertEquals(CloudInitSeed.Maker.MAKEFS, CloudInitSeed.choose("web", CloudInitSeed.FREEBSD,
                Set.of("makefs", "xorriso")::contains, CloudInitSeed.FREEBSD_INSTALL));
        VmException none = assertThrows(VmException.class,
                () -> CloudInitSeed.choose("web", CloudInitSeed.LINUX, p -> false, CloudInitSeed.LINUX_INSTALL));
        assertEquals("VM 'web': --cloud-init needs one of cloud-localds, genisoimage, xorriso, mkisofs on the PATH "
                + "to make its seed: apt-get install genisoimage (or cloud-image-utils, or xorriso)", none.getMessage());
    }

    @Test
    void stagingWritesTheExactBytesAndTheNameAsInstanceIdAndHostName() throws Exception {
        byte[] userData = "#cloud-config\nruncmd:\n  - [ echo, \"é\" ]\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Path staging = CloudInitSeed.stage("web", dir.resolve("cidata"), userData);
        assertEquals(new String(userData, java.nio.charset.StandardCharsets.UTF_8),
                Files.readString(staging.resolve("user-data")));
        assertEquals("instance-id: web\nlocal-hostname: web\n", Files.readString(staging.resolve("meta-data")));
        CloudInitSeed.deleteStaging(staging);
        assertFalse(Files.exists(staging));
    }

    @Test
    void theHashIsSha256OfTheContentAndAMissingFileIsNamed() throws Exception {
        Path file = Files.writeString(dir.resolve("user-data"), "abc");
        // the SHA-256 test vector for "abc" (FIPS 180-2)
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                CloudInitSeed.sha256Of(file.toString()));
        assertNull(CloudInitSeed.sha256Of(dir.resolve("missing").toString()));
        VmException missing = assertThrows(VmException.class,
                () -> CloudInitSeed.read("web", dir.resolve("missing").toString()));
        assertEquals("VM 'web': --cloud-init '" + dir.resolve("missing") + "' is not a file on this node",
                missing.getMessage());
    }
}
