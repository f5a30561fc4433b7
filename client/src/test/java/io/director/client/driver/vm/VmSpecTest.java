package io.director.client.driver.vm;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class VmSpecTest {

    private static VmSpec sized(String memory, String disk) {
        return new VmSpec(null, memory, 1, disk, "/images/base.qcow2", null, null, null, null, "no", false, "tcg");
    }

    @Test
    void memoryAndDiskAreComparedByValue() {
        assertEquals(List.of(), sized("1G", "20G").differencesTo(sized("1024M", "20480M")));
        assertEquals(sized("1G", "20G"), sized("1024M", "20480M"));
        assertEquals(sized("1G", "20G").hashCode(), sized("1024M", "20480M").hashCode());
    }

    @Test
    void aRealDifferenceNamesTheOption() {
        assertEquals(List.of("--memory is '1G', asked '512M'", "--disk is '20G', asked '40960M'"),
                sized("1G", "20G").differencesTo(sized("512M", "40960M")));
        assertNotEquals(sized("1G", "20G"), sized("1G", "21G"));
    }

    @Test
    void theProfileStaysPartOfTheSpec() {
        VmSpec cs2 = VmSpec.ofProfile(VmProfile.CS2, "/images/base.qcow2", null, null, null, null, "no", false, "tcg");
        VmSpec explicit = new VmSpec(null, "1024M", 1, "40960M", "/images/base.qcow2", null, null, null, null, "no",
                false, "tcg");
        // the profile is part of the spec: the same sizes without it are still a different ask
        assertEquals(List.of("--profile is 'CS2', asked unset"), cs2.differencesTo(explicit));
    }
}
