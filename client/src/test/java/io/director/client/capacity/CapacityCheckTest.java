package io.director.client.capacity;

import io.director.client.cache.NodeCache;
import io.director.client.driver.jail.JailDrivers;
import io.director.client.driver.vm.VmDrivers;
import io.director.client.exec.ProcessRunner;
import io.director.dsl.wire.JobResult;
import io.director.dsl.wire.NodeReport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The node's own limits, read by a real probe of this host with this platform's real drivers. */
class CapacityCheckTest {

    @TempDir
    Path dir;

    private NodeCache cache;
    private final ProcessRunner processes = new ProcessRunner();

    private NodeProbe probe(NodeReport.Limits limits) {
        if (cache == null) {
            cache = NodeCache.open(dir); // one per test: a client holds its cache alone
        }
        return new NodeProbe(dir, limits, JailDrivers.forThisHost(dir, cache, processes),
                VmDrivers.forThisHost(dir, cache, processes), cache);
    }

    @AfterEach
    void close() {
        processes.close();
        if (cache != null) {
            cache.close();
        }
    }

    @Test
    void theReportDescribesThisHost() {
        NodeReport report = probe(new NodeReport.Limits(3, 1, 0, 0)).report();
        assertEquals(Runtime.getRuntime().availableProcessors(), report.cpus());
        assertTrue(report.memoryTotal() > 0 && report.memoryFree() > 0 && report.memoryFree() <= report.memoryTotal(),
                report.toString());
        assertTrue(report.diskFree() > 0, report.toString());
        assertEquals(new NodeReport.Limits(3, 1, 0, 0), report.limits());
        assertEquals(0, report.workloads().size(), "a fresh cache path has no jail or VM");
    }

    @Test
    void theLoadIsTheHostsOneMinuteAverage() {
        // Both read the kernel's figure, which moves every 5 s: the first of two runs that agree.
        double load = -2;
        double fromBean = -3;
        for (int attempt = 0; attempt < 5 && load != fromBean; attempt++) {
            fromBean = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            load = NodeProbe.load();
        }
        assertTrue(load >= 0, "load " + load);
        assertEquals(fromBean, load, 0.005, "the node's load and the JVM's view of it");
    }

    @Test
    void withoutLimitsEverythingFits() {
        assertEquals(Optional.empty(), new CapacityCheck(probe(NodeReport.Limits.NONE)).refusal("jail", 0, 0));
        assertEquals(Optional.empty(), new CapacityCheck(probe(NodeReport.Limits.NONE)).refusal("vm", 1 << 20, 1 << 20));
    }

    @Test
    void refusesPastACountWithTheCapacityPrefix() {
        CapacityCheck check = new CapacityCheck(probe(new NodeReport.Limits(0, 0, 0, 0)));
        assertEquals(Optional.of(JobResult.CAPACITY_REFUSAL + "max-jails 0 reached (0 jails here)"),
                check.refusal("jail", 0, 0));
        assertEquals(Optional.of(JobResult.CAPACITY_REFUSAL + "max-vms 0 reached (0 vms here)"),
                check.refusal("vm", 0, 0));
    }

    @Test
    void refusesWhatWouldEatIntoTheReserves() {
        NodeProbe probe = probe(new NodeReport.Limits(-1, -1, 0, 0));
        long free = probe.memory()[1];
        CapacityCheck check = new CapacityCheck(probe);
        assertTrue(check.refusal("jail", free * 4, 0).orElseThrow().startsWith(JobResult.CAPACITY_REFUSAL + "memory: "));
        assertTrue(check.refusal("vm", 0, probe.diskFree() * 4).orElseThrow()
                .startsWith(JobResult.CAPACITY_REFUSAL + "disk: "));
        CapacityCheck reserved = new CapacityCheck(probe(new NodeReport.Limits(-1, -1, free * 2, 0)));
        assertTrue(reserved.refusal("jail", 0, 0).orElseThrow().contains("reserved"),
                "a reserve larger than what is free refuses even a jail without --memory");
    }
}
