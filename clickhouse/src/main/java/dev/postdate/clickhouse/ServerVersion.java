package dev.postdate.clickhouse;

/**
 * A ClickHouse server's release, major and minor of {@code version()} ("18.16.1", "26.7.3.1"): for the
 * few behaviours that differ between releases and cannot be asked of the server itself.
 */
public record ServerVersion(int major, int minor) {

    public static ServerVersion of(ClickHouseSql sql) {
        return parse(sql.select("SELECT version()").getFirst().getFirst());
    }

    static ServerVersion parse(String version) {
        String[] parts = version.trim().split("\\.");
        if (parts.length < 2) {
            throw new IllegalArgumentException("not a ClickHouse version: " + version);
        }
        try {
            return new ServerVersion(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a ClickHouse version: " + version, e);
        }
    }

    public boolean atLeast(ServerVersion other) {
        return major != other.major ? major > other.major : minor >= other.minor;
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
