package io.director.client.driver.jail;

import java.util.List;

/** The create rule every jail driver shares: same spec is unchanged, another spec is an error naming the difference. */
final class JailRecordsSupport {

    private JailRecordsSupport() {
    }

    /** True when the jail is recorded with this spec; fails when it is recorded with another. */
    static boolean unchanged(JailRecords records, String name, JailSpec spec) throws JailException {
        JailRecords.Jail existing = records.find(name);
        if (existing == null) {
            return false;
        }
        List<String> differences = existing.spec().differencesFrom(spec);
        if (differences.isEmpty()) {
            return true;
        }
        throw new JailException("jail '" + name + "' exists with a different spec: " + String.join("; ", differences)
                + " (destroy it first to change it)");
    }
}
