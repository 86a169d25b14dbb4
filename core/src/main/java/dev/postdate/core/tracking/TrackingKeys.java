package dev.postdate.core.tracking;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The keys tracking tokens are sealed with, written {@code id:base64,id:base64,...} with ids 0-255 and
 * 32-byte (AES-256) keys: the first seals new tokens, every one opens tokens sealed with it. Rotation
 * puts a new key first and keeps the old ones until the links sealed with them no longer matter.
 */
public final class TrackingKeys {

    private static final int KEY_BYTES = 32;

    private final int currentId;
    private final Map<Integer, SecretKey> keys;

    private TrackingKeys(int currentId, Map<Integer, SecretKey> keys) {
        this.currentId = currentId;
        this.keys = keys;
    }

    /** @throws IllegalArgumentException naming what is wrong, never a key's value */
    public static TrackingKeys parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("no tracking key: set postdate.tracking.keys to id:base64-key,...");
        }
        Map<Integer, SecretKey> keys = new LinkedHashMap<>();
        Integer first = null;
        for (String entry : spec.split(",")) {
            String trimmed = entry.trim();
            int colon = trimmed.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("a tracking key is written id:base64-key");
            }
            int id;
            try {
                id = Integer.parseInt(trimmed.substring(0, colon));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("a tracking key's id is a number from 0 to 255");
            }
            if (id < 0 || id > 255) {
                throw new IllegalArgumentException("a tracking key's id is a number from 0 to 255, not " + id);
            }
            byte[] key;
            try {
                key = Base64.getDecoder().decode(trimmed.substring(colon + 1));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("tracking key " + id + " is not base64");
            }
            if (key.length != KEY_BYTES) {
                throw new IllegalArgumentException("tracking key " + id + " has " + key.length + " bytes, not " + KEY_BYTES);
            }
            if (keys.put(id, new SecretKeySpec(key, "AES")) != null) {
                throw new IllegalArgumentException("tracking key id " + id + " is given twice");
            }
            if (first == null) {
                first = id;
            }
        }
        return new TrackingKeys(first, Map.copyOf(keys));
    }

    int currentId() {
        return currentId;
    }

    SecretKey current() {
        return keys.get(currentId);
    }

    /** The key with this id, or null. */
    SecretKey byId(int id) {
        return keys.get(id);
    }
}
