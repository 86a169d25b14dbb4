package dev.postdate.core.tracking;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * Seals and opens tracking tokens with AES-256-GCM (docs/tracking.md): the GCM tag authenticates the
 * whole token, so a changed or foreign one does not open (no open redirect, no unsubscribing someone
 * else), and the encryption keeps the recipient's address and the link out of the URL. A token is
 * base64url of: format version, key id, 12-byte random nonce, ciphertext with tag; the version and
 * key id are authenticated as associated data.
 */
public final class TrackingTokens {

    private static final byte VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int HEADER_BYTES = 2;
    /** Longer tokens are refused unopened: no link of ours is this long. */
    public static final int MAX_TOKEN_CHARS = 8192;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final TrackingKeys keys;

    public TrackingTokens(TrackingKeys keys) {
        this.keys = keys;
    }

    public String seal(TrackingToken token) {
        byte[] plain = encode(token);
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        byte[] header = {VERSION, (byte) keys.currentId()};
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, keys.current(), nonce, header);
            ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES + NONCE_BYTES + cipher.getOutputSize(plain.length));
            out.put(header).put(nonce);
            cipher.doFinal(ByteBuffer.wrap(plain), out);
            return ENCODER.encodeToString(out.array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    /** The token's content, or empty when it is malformed, sealed with an unknown key or tampered with. */
    public Optional<TrackingToken> open(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_TOKEN_CHARS) {
            return Optional.empty();
        }
        byte[] bytes;
        try {
            bytes = DECODER.decode(text);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (bytes.length < HEADER_BYTES + NONCE_BYTES + TAG_BITS / 8 || bytes[0] != VERSION) {
            return Optional.empty();
        }
        SecretKey key = keys.byId(bytes[1] & 0xFF);
        if (key == null) {
            return Optional.empty();
        }
        byte[] nonce = new byte[NONCE_BYTES];
        System.arraycopy(bytes, HEADER_BYTES, nonce, 0, NONCE_BYTES);
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, key, nonce, new byte[]{bytes[0], bytes[1]});
            byte[] plain = cipher.doFinal(bytes, HEADER_BYTES + NONCE_BYTES, bytes.length - HEADER_BYTES - NONCE_BYTES);
            return Optional.of(decode(plain));
        } catch (AEADBadTagException e) {
            return Optional.empty();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        } catch (IOException | RuntimeException e) {
            // Authentic but unreadable: sealed by a newer format this code does not know.
            return Optional.empty();
        }
    }

    private static Cipher cipher(int mode, SecretKey key, byte[] nonce, byte[] header) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(header);
        return cipher;
    }

    private static byte[] encode(TrackingToken token) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128 + token.url().length());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(token.kind().ordinal());
            out.writeUTF(token.tenant());
            out.writeUTF(token.emailId());
            out.writeUTF(token.batchId());
            out.writeUTF(token.recipient());
            out.writeUTF(token.topic());
            out.writeInt(token.link());
            out.writeUTF(token.url());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static TrackingToken decode(byte[] plain) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(plain));
        TrackingToken.Kind kind = TrackingToken.Kind.values()[in.readUnsignedByte()];
        return new TrackingToken(kind, in.readUTF(), in.readUTF(), in.readUTF(), in.readUTF(), in.readUTF(),
                in.readInt(), in.readUTF());
    }
}
