package io.director.dsl.verb;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.director.dsl.verb.VerbAssertions.accepts;
import static io.director.dsl.verb.VerbAssertions.rejects;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VmVerbTest {

    @Test
    void acceptsEveryActionWithItsOptions() {
        assertEquals(Map.of("profile", "CS1", "image", "/srv/images/debian.qcow2", "restart", "always",
                        "autostart", true, "accel", "tcg"),
                accepts("VM", "--profile CS1 --image /srv/images/debian.qcow2 --restart always --autostart "
                        + "--accel tcg create web1").options());
        assertEquals(Map.of("memory", "256M", "cpus", 1L, "disk", "1G", "kernel", "/boot/vmlinuz",
                        "initrd", "/boot/initrd.gz", "append", "console=ttyS0 quiet", "cloud-init", "/srv/ci.yaml"),
                accepts("VM", "--memory 256M --cpus 1 --disk 1G --kernel /boot/vmlinuz --initrd /boot/initrd.gz "
                        + "--append 'console=ttyS0 quiet' --cloud-init /srv/ci.yaml create t.1_a-b").options());
        accepts("VM", "start web1");
        assertEquals(Map.of("force", true, "timeout", 30L), accepts("VM", "--force --timeout 30 stop web1").options());
        accepts("VM", "--force destroy web1");
        accepts("VM", "status web1");
        accepts("VM", "list");
        assertEquals(Map.of("lines", 5L), accepts("VM", "--lines 5 console web1").options());
    }

    @Test
    void theDefaultLineCountIsDroppedAndVmAlwaysRuns() {
        assertEquals(Map.of(), accepts("VM", "--lines 50 console web1").options());
        Verb vm = VerbRegistry.standard().find("vm").orElseThrow();
        assertTrue(vm.alwaysRuns());
        assertEquals(false, vm.changesOnlyVariables());
    }

    @Test
    void acceptsTemplatesWhereValuesAreKnownOnlyOnTheNode() {
        accepts("VM", "start {{ vm_name }}");
        accepts("VM", "--profile '{{ profile }}' --image '{{ image }}' create 'vm-{{ node.identity }}'");
        accepts("VM", "--memory {{ mem }} --cpus 2 --disk {{ disk }} --kernel /k create a");
    }

    @Test
    void rejectsAMissingOrUnknownAction() {
        rejects("VM", "", "VM needs a payload after its options", 1);
        rejects("VM", "--force", "VM needs a payload after its options", 8);
        rejects("VM", "boot web1", "VM action 'boot' is not one of create, start, stop, destroy, status, list, console", 1);
        rejects("VM", "START web1", "VM action 'START' is not one of create, start, stop, destroy, status, list, console", 1);
        rejects("VM", "{{ action }} web1",
                "VM action '{{ action }}' cannot be a template: write one of create, start, stop, destroy, status, list, console", 1);
    }

    @Test
    void rejectsAMissingBadOrExtraName() {
        rejects("VM", "start", "VM start needs a VM name", 6);
        rejects("VM", "--lines 3 console", "VM console needs a VM name", 18);
        rejects("VM", "status -web", "VM name '-web' is not valid: use 1 to 63 letters, digits, '.', '_' or '-', "
                + "starting with a letter or digit", 8);
        rejects("VM", "status " + "a".repeat(64), "VM name '" + "a".repeat(64) + "' is not valid: use 1 to 63 "
                + "letters, digits, '.', '_' or '-', starting with a letter or digit", 8);
        rejects("VM", "status 'a b'", "VM name 'a b' is not valid: use 1 to 63 letters, digits, '.', '_' or '-', "
                + "starting with a letter or digit", 8);
        rejects("VM", "stop web1 web2", "VM stop takes one name, found another word 'web2'", 11);
        rejects("VM", "list web1", "VM list takes no name, found 'web1'", 6);
    }

    @Test
    void rejectsOptionsWithActionsTheyDoNotGoWith() {
        rejects("VM", "--force start web1", "option '--force' does not go with VM start (only with stop and destroy)", 1);
        rejects("VM", "--force console web1",
                "option '--force' does not go with VM console (only with stop and destroy)", 1);
        rejects("VM", "--lines 3 status web1", "option '--lines' does not go with VM status (only with console)", 1);
        rejects("VM", "--accel tcg start web1", "option '--accel' does not go with VM start (only with create)", 1);
        rejects("VM", "--force --profile CS0 stop web1",
                "option '--profile' does not go with VM stop (only with create)", 9);
        rejects("VM", "--autostart list", "option '--autostart' does not go with VM list (only with create)", 1);
    }

    @Test
    void rejectsCreateWithoutASizeOrWithBoth() {
        rejects("VM", "--kernel /k create a",
                "VM create needs --profile CS0…CS5 or all of --memory, --cpus and --disk; missing --cpus, --disk, --memory",
                21);
        rejects("VM", "--memory 1G --kernel /k create a",
                "VM create needs --profile CS0…CS5 or all of --memory, --cpus and --disk; missing --cpus, --disk", 33);
        rejects("VM", "--kernel /k --profile CS0 --cpus 2 create a",
                "option '--cpus' does not go with --profile: give a profile or --memory, --cpus and --disk", 27);
        rejects("VM", "--profile CS6 --kernel /k create a",
                "option '--profile' must be one of CS0, CS1, CS2, CS3, CS4, CS5, got 'CS6'", 1);
        rejects("VM", "--profile cs1 --kernel /k create a",
                "option '--profile' must be one of CS0, CS1, CS2, CS3, CS4, CS5, got 'cs1'", 1);
    }

    @Test
    void rejectsBadSizesAndCpuCounts() {
        rejects("VM", "--memory 256 --cpus 1 --disk 1G --kernel /k create a",
                "option '--memory' needs a size such as 512M, 20G or 1T, got '256'", 1);
        rejects("VM", "--memory 256M --cpus 1 --disk 0G --kernel /k create a",
                "option '--disk' needs a size such as 512M, 20G or 1T, got '0G'", 24);
        rejects("VM", "--memory 256M --cpus 0 --disk 1G --kernel /k create a", "option '--cpus' must be 1 to 255, got 0", 15);
        rejects("VM", "--memory 256M --cpus 300 --disk 1G --kernel /k create a",
                "option '--cpus' must be 1 to 255, got 300", 15);
        rejects("VM", "--memory 256M --cpus two --disk 1G --kernel /k create a",
                "option '--cpus' needs a whole number, got 'two'", 15);
    }

    @Test
    void rejectsCreateWithoutABootSourceAndKernelOptionsWithoutAKernel() {
        rejects("VM", "--profile CS0 create a", "VM create needs --image PATH or --kernel PATH", 23);
        rejects("VM", "--profile CS0 --image /i.qcow2 --initrd /i.gz create a",
                "option '--initrd' only goes with --kernel", 32);
        rejects("VM", "--profile CS0 --image /i.qcow2 --append quiet create a",
                "option '--append' only goes with --kernel", 32);
    }

    @Test
    void rejectsRelativePaths() {
        rejects("VM", "--profile CS0 --image images/d.qcow2 create a",
                "option '--image' needs an absolute path, got 'images/d.qcow2'", 15);
        rejects("VM", "--profile CS0 --kernel vmlinuz create a", "option '--kernel' needs an absolute path, got 'vmlinuz'", 15);
        rejects("VM", "--profile CS0 --kernel /k --initrd i.gz create a",
                "option '--initrd' needs an absolute path, got 'i.gz'", 27);
        rejects("VM", "--profile CS0 --kernel /k --cloud-init ci.yaml create a",
                "option '--cloud-init' needs an absolute path, got 'ci.yaml'", 27);
    }

    @Test
    void rejectsUnknownRestartPoliciesAndAccelerators() {
        rejects("VM", "--profile CS0 --kernel /k --restart sometimes create a",
                "option '--restart' must be one of no, on-failure, always, got 'sometimes'", 27);
        rejects("VM", "--profile CS0 --kernel /k --accel hvf create a",
                "option '--accel' must be one of auto, kvm, tcg, got 'hvf'", 27);
    }

    @Test
    void rejectsBadLineCounts() {
        rejects("VM", "--lines 0 console a", "option '--lines' must be 1 or more, got 0", 1);
        rejects("VM", "--lines -3 console a", "option '--lines' must be 0 or more, got -3", 1);
    }
}
