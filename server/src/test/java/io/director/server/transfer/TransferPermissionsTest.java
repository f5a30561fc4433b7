package io.director.server.transfer;

import io.director.dsl.verb.JobDefinition;
import io.director.dsl.wire.Job;
import io.director.dsl.wire.TransferFile;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TransferPermissionsTest {

    private static final TransferFile HOSTS = new TransferFile("/etc/hosts", 10, "ab", 0644);
    private static final TransferFile MOTD = new TransferFile("/etc/motd", 20, "cd", 0644);

    private final TransferPermissions permissions = new TransferPermissions();

    @Test
    void grantsEachNodeOnlyTheFilesOfItsJobs() {
        permissions.grant("a@1", job("j1", HOSTS));
        permissions.grant("b@2", job("j2", MOTD));

        assertEquals(HOSTS, permissions.find("a@1", "j1", "/etc/hosts").orElseThrow());
        assertTrue(permissions.find("a@1", "j1", "/etc/motd").isEmpty());
        assertTrue(permissions.find("a@1", "j2", "/etc/motd").isEmpty());
        assertTrue(permissions.find("b@2", "j1", "/etc/hosts").isEmpty());
    }

    @Test
    void revokingOneJobKeepsTheOthers() {
        permissions.grant("a@1", job("j1", HOSTS));
        permissions.grant("a@1", job("j2", HOSTS, MOTD));

        permissions.revoke("a@1", "j2");

        assertTrue(permissions.find("a@1", "j1", "/etc/hosts").isPresent());
        assertTrue(permissions.find("a@1", "j2", "/etc/hosts").isEmpty());
    }

    @Test
    void revokingANodeRemovesAllItsJobs() {
        permissions.grant("a@1", job("j1", HOSTS));
        permissions.grant("a@1", job("j2", MOTD));

        permissions.revokeAll("a@1");

        assertTrue(permissions.find("a@1", "j1", "/etc/hosts").isEmpty());
        assertTrue(permissions.find("a@1", "j2", "/etc/motd").isEmpty());
    }

    @Test
    void aJobWithoutFilesGrantsNothing() {
        permissions.grant("a@1", job("j1"));

        assertTrue(permissions.find("a@1", "j1", "/etc/hosts").isEmpty());
    }

    private static Job job(String jobId, TransferFile... files) {
        return new Job(jobId, jobId, null, new JobDefinition("ADD", Map.of(), "x /srv/"), "f", Job.MAIN_QUEUE,
                List.of(files));
    }
}
