package io.director.dsl.verb;

import java.util.regex.Pattern;

/**
 * Sizes such as {@code 64M}, {@code 1G} or {@code 4096} (bytes): a whole number with an optional
 * K, M, G or T suffix, each a power of 1024. Used by the verbs that check them and by the nodes
 * that compare recorded specs, so that {@code 1G} and {@code 1024M} are the same size.
 */
public final class Sizes {

    public static final Pattern SIZE = Pattern.compile("([0-9]{1,15})([KMGT]?)");

    private Sizes() {
    }

    /** Bytes of the size; -1 when it is not one (or does not fit in a long). */
    public static long bytes(String size) {
        var m = SIZE.matcher(size);
        if (!m.matches()) {
            return -1;
        }
        long shift = switch (m.group(2)) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            case "T" -> 40;
            default -> 0;
        };
        long number = Long.parseLong(m.group(1));
        return number > (Long.MAX_VALUE >> shift) ? -1 : number << shift;
    }

    /**
     * Whether two sizes (either may be null: unset) are the same number of bytes. Text that is not
     * a size is compared as written, so nothing unreadable is ever taken for equal to a size.
     */
    public static boolean same(String a, String b) {
        if (a == null || b == null) {
            return a == b;
        }
        long x = bytes(a);
        long y = bytes(b);
        return x >= 0 && y >= 0 ? x == y : a.equals(b);
    }

    /** A hash consistent with {@link #same}: by bytes when it is a size, else by the text. */
    public static int hash(String size) {
        if (size == null) {
            return 0;
        }
        long bytes = bytes(size);
        return bytes >= 0 ? Long.hashCode(bytes) : size.hashCode();
    }
}
