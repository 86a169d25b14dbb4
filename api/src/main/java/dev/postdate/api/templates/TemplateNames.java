package dev.postdate.api.templates;

import java.util.regex.Pattern;

/** Template names appear in URL paths and Redis keys: 1-64 of a-z, 0-9, '_' and '-'. */
public final class TemplateNames {

    private static final Pattern NAME = Pattern.compile("[a-z0-9_-]{1,64}");

    private TemplateNames() {
    }

    public static boolean isValid(String name) {
        return name != null && NAME.matcher(name).matches();
    }
}
