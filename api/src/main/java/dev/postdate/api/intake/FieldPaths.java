package dev.postdate.api.intake;

/** Field names in problems: {@code emails[3].to.email}. */
public final class FieldPaths {

    private FieldPaths() {
    }

    public static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    public static String index(String path, int index) {
        return path + "[" + index + "]";
    }
}
