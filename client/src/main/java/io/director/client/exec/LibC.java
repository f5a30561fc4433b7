package io.director.client.exec;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

import java.util.Map;

/**
 * The C library calls that start a job in a session of its own and collect it (Linux, glibc 2.34
 * or later: {@code posix_spawn_file_actions_addclosefrom_np}), bound through JNA's direct mapping.
 * Loading this class fails (a {@link LinkageError}) where any of them is missing; callers then
 * start jobs the JDK's way ({@link JdkProcessRunner}).
 */
final class LibC {

    // Linux (x86-64 and arm64) values of the constants used; the class is only used on Linux.
    static final int O_RDONLY = 0;
    static final int O_CLOEXEC = 0x80000;
    static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    static final short POSIX_SPAWN_SETSID = 0x80;
    static final short POLLIN = 0x1;
    static final int WNOHANG = 1;
    static final int EINTR = 4;
    static final int SIGKILL = 9;
    static final int SIGTERM = 15;
    static final long SYS_PIDFD_OPEN = 434;
    /** Room for glibc's posix_spawn_file_actions_t (80 bytes) and posix_spawnattr_t (336), with margin. */
    static final int SPAWN_STRUCT_BYTES = 512;
    /** glibc's sigset_t. */
    static final int SIGSET_BYTES = 128;
    /**
     * The first word of a sigset_t holding signals 1 to 64 (bit n-1 for signal n). glibc's own 32
     * and 33 are among them: its posix_spawn otherwise leaves them ignored in the child.
     */
    static final long ALL_SIGNALS = -1L;

    static {
        Native.register(LibC.class, NativeLibrary.getInstance("c", Map.of(Library.OPTION_STRING_ENCODING, "UTF-8")));
    }

    private LibC() {
    }

    static native int pipe2(int[] fds, int flags);

    static native int close(int fd);

    static native long read(int fd, Pointer buffer, long count);

    static native int poll(Pointer fds, long count, int timeoutMillis);

    static native int waitpid(int pid, int[] status, int options);

    static native int kill(int pid, int signal);

    /** Used for pidfd_open(2), which glibc 2.36 has no wrapper for everywhere. */
    static native long syscall(long number, int pid, int flags);

    static native String strerror(int errno);

    static native int posix_spawn_file_actions_init(Pointer actions);

    static native int posix_spawn_file_actions_destroy(Pointer actions);

    static native int posix_spawn_file_actions_addopen(Pointer actions, int fd, String path, int flags, int mode);

    static native int posix_spawn_file_actions_adddup2(Pointer actions, int fd, int newFd);

    static native int posix_spawn_file_actions_addchdir_np(Pointer actions, String path);

    static native int posix_spawn_file_actions_addclosefrom_np(Pointer actions, int from);

    static native int posix_spawnattr_init(Pointer attributes);

    static native int posix_spawnattr_destroy(Pointer attributes);

    static native int posix_spawnattr_setflags(Pointer attributes, short flags);

    static native int posix_spawnattr_setsigmask(Pointer attributes, Pointer signals);

    static native int posix_spawnattr_setsigdefault(Pointer attributes, Pointer signals);

    static native int posix_spawnp(int[] pid, String file, Pointer actions, Pointer attributes, Pointer argv,
                                   Pointer envp);
}
