package dev.postdate.clickhouse.keys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The API key format, {@code pd_<key id>_<secret>}: the key id names the key for revocation and in
 * logs, the secret is 32 random bytes. Only the SHA-256 of the whole key is stored, which is enough
 * for a key of that entropy (no salt or slow hash needed: nothing to brute-force).
 */
public final class ApiKeys {

    private static final String PREFIX = "pd_";
    private static final int KEY_ID_BYTES = 8;
    private static final int SECRET_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Tenant names become part of Redis keys separated by ':', so they are restricted to a token. */
    public static final Pattern TENANT = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    private ApiKeys() {
    }

    public static String newKeyId() {
        return HexFormat.of().formatHex(randomBytes(KEY_ID_BYTES));
    }

    public static String newKey(String keyId) {
        return PREFIX + keyId + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(SECRET_BYTES));
    }

    /** The key id inside a key of this format (a key the api accepted: the format is not checked again). */
    public static String keyIdOf(String key) {
        int end = key.indexOf('_', PREFIX.length());
        return end < 0 ? "" : key.substring(PREFIX.length(), end);
    }

    /** Lower-case hex SHA-256 of the key as the client sends it. */
    public static String hash(String key) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
