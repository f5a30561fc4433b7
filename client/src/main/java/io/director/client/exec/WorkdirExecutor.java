package io.director.client.exec;

import io.director.dsl.verb.WorkdirVerb;
import io.director.dsl.wire.NodeState;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code WORKDIR [--chown USER[:GROUP]] [--chmod MODE] PATH}: creates the directory and its
 * parents; owner and mode apply to the final directory only (parents get the daemon's
 * defaults), whether it was created now or existed. Users and groups are names or numeric ids;
 * the mode is octal permission bits ({@code 755}, {@code 0750}).
 */
public final class WorkdirExecutor implements Executor {

    static final String CHOWN = "chown";
    static final String CHMOD = "chmod";

    private static final Pattern OCTAL_MODE = Pattern.compile("0?[0-7]{3}");
    /** PosixFilePermission's order is owner rwx, group rwx, others rwx: bit 8 down to bit 0. */
    private static final PosixFilePermission[] BY_BIT = PosixFilePermission.values();

    @Override
    public String verb() {
        return WorkdirVerb.NAME;
    }

    @Override
    public Execution execute(JobContext context) {
        String chown = context.job().definition().text(CHOWN);
        String chmod = context.job().definition().text(CHMOD);
        Path path;
        Set<PosixFilePermission> permissions;
        try {
            path = Path.of(PayloadText.absolutePath(verb(), context.payload()));
            permissions = chmod == null ? null : permissions(chmod);
        } catch (IllegalArgumentException e) {
            return Execution.failed(e.getMessage());
        }
        boolean existed = Files.isDirectory(path);
        try {
            Files.createDirectories(path);
        } catch (FileAlreadyExistsException e) {
            return Execution.failed("cannot create directory " + path + ": " + e.getFile() + " exists and is not a directory");
        } catch (IOException e) {
            return Execution.failed("cannot create directory " + path + ": " + e.getMessage());
        }
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        if ((chown != null || permissions != null) && view == null) {
            return Execution.failed("cannot set owner or mode of " + path + ": the file system has no POSIX attributes");
        }
        try {
            if (chown != null) {
                changeOwner(path, view, chown);
            }
            if (permissions != null) {
                view.setPermissions(permissions);
            }
        } catch (UserPrincipalNotFoundException e) {
            return Execution.failed("--chown " + chown + ": no user or group '" + e.getName() + "' on this node");
        } catch (IOException e) {
            return Execution.failed("cannot set owner or mode of " + path + ": " + e.getMessage());
        }
        return new Execution(NodeState.SUCCESS, null, (existed ? "exists: " : "created: ") + path, "", null);
    }

    private static void changeOwner(Path path, PosixFileAttributeView view, String chown) throws IOException {
        int colon = chown.indexOf(':');
        String user = colon < 0 ? chown : chown.substring(0, colon);
        String group = colon < 0 ? "" : chown.substring(colon + 1);
        // The JDK's lookup on Linux and BSD falls back to a numeric id when no such name exists.
        UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
        if (!user.isEmpty()) {
            UserPrincipal owner = lookup.lookupPrincipalByName(user);
            view.setOwner(owner);
        }
        if (!group.isEmpty()) {
            GroupPrincipal groupPrincipal = lookup.lookupPrincipalByGroupName(group);
            view.setGroup(groupPrincipal);
        }
    }

    /** {@code 755} or {@code 0755} to permissions; setuid, setgid and sticky bits are not supported. */
    static Set<PosixFilePermission> permissions(String mode) {
        if (!OCTAL_MODE.matcher(mode).matches()) {
            throw new IllegalArgumentException("--chmod '" + mode + "' is not an octal mode such as 755 or 0750"
                    + " (setuid, setgid and sticky bits are not supported)");
        }
        int bits = Integer.parseInt(mode, 8);
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        for (int i = 0; i < BY_BIT.length; i++) {
            if ((bits & (1 << (BY_BIT.length - 1 - i))) != 0) {
                permissions.add(BY_BIT[i]);
            }
        }
        return permissions;
    }
}
