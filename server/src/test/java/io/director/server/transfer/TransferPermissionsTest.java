package io.director.server.transfer;

import io.director.dsl.verb.JobDefinition;
import io.director.dsl.wire.ChunkCipher;
import io.director.dsl.wire.Job;
import io.director.dsl.wire.TransferFile;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TransferPermissionsTest {

    private static final TransferFile HOSTS = new TransferFile("/etc/hosts", 10, "ab", 0644);
    private static final TransferFile MOTD = new TransferFile("/etc/motd", 20, "cd", 0644);

    private final TransferPermissions permissions = new TransferPermissions(false);
    private final TransferPermissions keyed = new TransferPermissions(true);

    @Test
    void grantsEachNodeOnlyTheFilesOfItsJobs() {
        permissions.grant("a@1", job("j1", HOSTS));
        permissions.grant("b@2", job("j2", MOTD));

        assertEquals(HOSTS, file(permissions, "a@1", "j1", "/etc/hosts").orElseThrow());
        assertTrue(file(permissions, "a@1", "j1", "/etc/motd").isEmpty());
        assertTrue(file(permissions, "a@1", "j2", "/etc/motd").isEmpty());
        assertTrue(file(permissions, "b@2", "j1", "/etc/hosts").isEmpty());
    }

    @Test
    void revokingOneJobKeepsTheOthers() {
        permissions.grant("a@1", job("j1", HOSTS));
        permissions.grant("a@1", job("j2", HOSTS, MOTD));

        permissions.revoke("a@1", "j2");

        assertTrue(file(permissions, "a@1", "j1", "/etc/hosts").isPresent());
        assertTrue(file(permissions, "a@1", "j2", "/etc/hosts").isEmpty());
    }

    @Test
    void revokingANodeRemovesAllItsJobs() {
        permissions.grant("a@1", job("j1", HOSTS));
        permissions.grant("a@1", job("j2", MOTD));

        permissions.revokeAll("a@1");

        assertTrue(file(permissions, "a@1", "j1", "/etc/hosts").isEmpty());
        assertTrue(file(permissions, "a@1", "j2", "/etc/motd").isEmpty());
    }

    @Test
    void aJobWithoutFilesGrantsNothingAndIsSentAsItIs() {
        Job job = job("j1");

        assertSame(job, keyed.grant("a@1", job));
        assertTrue(keyed.find("a@1", "j1").isEmpty());
    }

    @Test
    void withoutEncryptionTheJobIsSentWithoutAKey() {
        Job sent = permissions.grant("a@1", job("j1", HOSTS));

        assertNull(sent.transferKey());
        assertNull(permissions.find("a@1", "j1").orElseThrow().key());
    }

    @Test
    void withEncryptionEachNodeAndJobHasItsOwnKeyKeptWhenTheJobIsSentAgain() {
        Job first = keyed.grant("a@1", job("j1", HOSTS));
        Job again = keyed.grant("a@1", job("j1", HOSTS));
        Job otherNode = keyed.grant("b@2", job("j1", HOSTS));
        Job otherJob = keyed.grant("a@1", job("j2", HOSTS));

        ChunkCipher.of(ChunkCipher.AES_256_GCM, first.transferKey()); // a valid key
        assertEquals(first.transferKey(), again.transferKey());
        assertEquals(first.transferKey(), keyed.find("a@1", "j1").orElseThrow().key());
        assertNotEquals(first.transferKey(), otherNode.transferKey());
        assertNotEquals(first.transferKey(), otherJob.transferKey());
        assertEquals(job("j1", HOSTS), first.withTransferKey(null), "the job is otherwise unchanged");
        TransferPermissions.Grant grant = keyed.find("a@1", "j1").orElseThrow();
        String handle = ChunkCipher.of(ChunkCipher.AES_256_GCM, first.transferKey()).handle("/etc/hosts");
        assertEquals(HOSTS, grant.file(handle).orElseThrow(),
                "a keyed grant finds its files by handle");
        assertTrue(grant.file("/etc/hosts").isEmpty(), "not by path");

        keyed.revoke("a@1", "j1");
        assertNotEquals(first.transferKey(), keyed.grant("a@1", job("j1", HOSTS)).transferKey(),
                "a grant made anew has a new key");
    }

    private static Optional<TransferFile> file(TransferPermissions permissions, String node, String jobId,
                                               String source) {
        return permissions.find(node, jobId).flatMap(grant -> grant.file(source));
    }

    private static Job job(String jobId, TransferFile... files) {
        return new Job(jobId, jobId, null, new JobDefinition("ADD", Map.of(), "x /srv/"), "f", Job.MAIN_QUEUE,
                List.of(files));
    }
}
