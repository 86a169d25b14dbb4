package dev.postdate.clickhouse.migrations;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the migrations shipped on the classpath. A jar cannot be listed, so {@code index.txt} names
 * the files in order.
 */
public final class MigrationFiles {

    private static final String FOLDER = "db/migrations/";
    private static final Pattern FILE_NAME = Pattern.compile("V(\\d+)__[A-Za-z0-9_]+\\.sql");
    private static final Pattern STATEMENT_END = Pattern.compile(";\\s*(\\n|$)");

    private MigrationFiles() {
    }

    public static List<Migration> load(String database) {
        List<Migration> migrations = new ArrayList<>();
        for (String line : read("index.txt").split("\n")) {
            String name = line.strip();
            if (name.isEmpty() || name.startsWith("#")) {
                continue;
            }
            Matcher matcher = FILE_NAME.matcher(name);
            if (!matcher.matches()) {
                throw new IllegalStateException("Migration file name must look like V001__what.sql: " + name);
            }
            String text = read(name);
            int version = Integer.parseInt(matcher.group(1));
            if (!migrations.isEmpty() && migrations.getLast().version() >= version) {
                throw new IllegalStateException("Migrations out of order in index.txt at " + name);
            }
            migrations.add(new Migration(version, name, statements(text, database), sha256(text)));
        }
        return migrations;
    }

    static List<String> statements(String text, String database) {
        String withoutComments = Arrays.stream(text.split("\n"))
                .filter(line -> !line.strip().startsWith("--"))
                .reduce("", (a, b) -> a + b + "\n");
        return Arrays.stream(STATEMENT_END.split(withoutComments))
                .map(String::strip)
                .filter(statement -> !statement.isEmpty())
                .map(statement -> statement.replace("${db}", database))
                .toList();
    }

    private static String read(String name) {
        try (InputStream in = MigrationFiles.class.getClassLoader().getResourceAsStream(FOLDER + name)) {
            if (in == null) {
                throw new IllegalStateException("Migration resource missing: " + FOLDER + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
