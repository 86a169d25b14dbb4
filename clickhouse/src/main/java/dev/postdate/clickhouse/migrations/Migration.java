package dev.postdate.clickhouse.migrations;

import java.util.List;

/**
 * One versioned schema change, as shipped in {@code db/migrations}.
 *
 * @param version    order of application, from the file name's {@code V<n>__} prefix
 * @param name       the file name
 * @param statements its SQL statements with the database name filled in
 * @param checksum   SHA-256 of the file as shipped, to detect an applied file that was edited later
 */
public record Migration(int version, String name, List<String> statements, String checksum) {
}
