package io.director.client.transfer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/** Mode bits (the rwx bits of owner, group and others, as in 0644) as Java sees them. */
public final class PosixModes {

    private static final PosixFilePermission[] BY_BIT = PosixFilePermission.values();

    private PosixModes() {
    }

    /** The permissions of the low nine bits of {@code mode}; higher bits are ignored. */
    public static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        for (int i = 0; i < BY_BIT.length; i++) {
            // The enum runs OWNER_READ .. OTHERS_EXECUTE, i.e. from bit 8 down to bit 0.
            if ((mode & (1 << (8 - i))) != 0) {
                permissions.add(BY_BIT[i]);
            }
        }
        return permissions;
    }

    /** Sets the mode of a file, without following a symbolic link; a non-POSIX file system is left alone. */
    public static void apply(Path path, int mode) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        if (view != null) {
            view.setPermissions(permissions(mode));
        }
    }
}
