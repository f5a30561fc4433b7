package io.director.client.transfer;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.regex.Pattern;

/**
 * What ADD/COPY sets on each file it places: the mode ({@code --chmod}, else the source's) and
 * the owner and group ({@code --chown}, else left as they are). Parsed once per job, before
 * anything is fetched, so a bad option or an unknown user fails the job early. Immutable.
 *
 * @param mode  the {@code --chmod} mode bits, or null to keep the source's
 * @param owner the {@code --chown} user, or null
 * @param group the {@code --chown} group, or null
 */
public record TargetAttributes(Integer mode, UserPrincipal owner, GroupPrincipal group) {

    private static final Pattern OCTAL = Pattern.compile("0?[0-7]{3}");
    private static final Pattern SPECIAL = Pattern.compile("[0-7]{4}");

    /**
     * Reads {@code --chmod} (octal, e.g. {@code 0644} or {@code 600}) and {@code --chown}
     * ({@code user[:group]}, names or numeric ids); either may be null.
     *
     * @throws IllegalArgumentException naming the option and the bad value
     */
    public static TargetAttributes parse(String chmod, String chown) {
        Integer mode = null;
        if (chmod != null) {
            if (SPECIAL.matcher(chmod).matches() && chmod.charAt(0) != '0') {
                throw new IllegalArgumentException("--chmod '" + chmod
                        + "': setuid, setgid and sticky bits are not supported; give three octal digits such as 0755");
            }
            if (!OCTAL.matcher(chmod).matches()) {
                throw new IllegalArgumentException("--chmod '" + chmod + "' is not an octal mode such as 0644");
            }
            mode = Integer.parseInt(chmod, 8);
        }
        if (chown == null) {
            return new TargetAttributes(mode, null, null);
        }
        int colon = chown.indexOf(':');
        String user = colon < 0 ? chown : chown.substring(0, colon);
        String groupName = colon < 0 ? null : chown.substring(colon + 1);
        if (user.isEmpty() || (groupName != null && groupName.isEmpty())) {
            throw new IllegalArgumentException("--chown '" + chown + "' is not user[:group]");
        }
        UserPrincipalLookupService lookup = FileSystems.getDefault().getUserPrincipalLookupService();
        UserPrincipal owner;
        try {
            owner = lookup.lookupPrincipalByName(user);
        } catch (UserPrincipalNotFoundException e) {
            throw new IllegalArgumentException("--chown '" + chown + "': no user '" + user + "' on this node");
        } catch (IOException e) {
            throw new IllegalArgumentException("--chown '" + chown + "': cannot look up user '" + user + "': "
                    + e.getMessage());
        }
        GroupPrincipal group = null;
        if (groupName != null) {
            try {
                group = lookup.lookupPrincipalByGroupName(groupName);
            } catch (UserPrincipalNotFoundException e) {
                throw new IllegalArgumentException("--chown '" + chown + "': no group '" + groupName + "' on this node");
            } catch (IOException e) {
                throw new IllegalArgumentException("--chown '" + chown + "': cannot look up group '" + groupName
                        + "': " + e.getMessage());
            }
        }
        return new TargetAttributes(mode, owner, group);
    }

    /** Sets owner, group and mode on {@code path} (a symbolic link itself is not followed). */
    public void apply(Path path, int sourceMode) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        if (view == null) {
            if (owner != null || mode != null) {
                throw new IOException("the file system of " + path + " has no owners or mode bits");
            }
            return;
        }
        if (owner != null) {
            view.setOwner(owner);
        }
        if (group != null) {
            view.setGroup(group);
        }
        // After the owner: on some systems a change of owner clears mode bits.
        view.setPermissions(PosixModes.permissions(mode != null ? mode : sourceMode));
    }
}
