package io.director.server.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The CLI socket is the server's front door: mode 0660 and the group asked for, or no start at all. */
class ApiServerPermissionsTest {

    @TempDir
    Path dir;

    /** A group of this host other than the one this process's files get by default. */
    private static String anotherGroup(Path probe) throws IOException {
        Files.writeString(probe, "");
        String own = Files.readAttributes(probe, PosixFileAttributes.class).group().getName();
        for (String line : Files.readAllLines(Path.of("/etc/group"))) {
            String name = line.split(":", 2)[0];
            if (!name.isBlank() && !name.equals(own)) {
                return name;
            }
        }
        throw new IllegalStateException("this host has a single group");
    }

    @Test
    void theSocketIs0660AndBelongsToTheSocketGroup() throws Exception {
        String group = anotherGroup(dir.resolve("probe"));
        Path socket = dir.resolve("run").resolve("director.sock");
        try (ApiServer server = new ApiServer(socket, group, request -> new ApiReply.Purged(0))) {
            server.start();
            PosixFileAttributes attributes = Files.readAttributes(socket, PosixFileAttributes.class);
            assertEquals("rw-rw----", PosixFilePermissions.toString(attributes.permissions()));
            assertEquals(group, attributes.group().getName());
            try (var files = Files.list(socket.getParent())) {
                assertEquals(List.of(socket), files.toList(), "no temporary socket left behind");
            }
        }
    }

    @Test
    void anUnknownGroupStopsTheStartAndLeavesNoSocket() throws Exception {
        Path socket = dir.resolve("run").resolve("director.sock");
        ApiServer server = new ApiServer(socket, "no-such-group-here", request -> new ApiReply.Purged(0));
        IOException e = assertThrows(IOException.class, server::start);
        assertEquals("no group 'no-such-group-here' on this host (--socket-group)", e.getMessage());
        server.close();
        try (var files = Files.list(socket.getParent())) {
            assertEquals(List.of(), files.toList(), "neither the socket nor its temporary name is left");
        }
    }
}
