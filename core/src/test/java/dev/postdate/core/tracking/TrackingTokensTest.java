package dev.postdate.core.tracking;

import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrackingTokensTest {

    private static final String OLD = "1:" + key(1);
    private static final String NEW = "2:" + key(2);

    private static final TrackingToken CLICK = new TrackingToken(TrackingToken.Kind.CLICK, "acme", "e-1",
            "campaign.c-1.3", "dora@example.com", "", 2, "https://example.org/offer?a=1&b=é");

    @Test
    void aSealedTokenOpensToWhatWasSealedAndHidesItsContent() {
        TrackingTokens tokens = new TrackingTokens(TrackingKeys.parse(NEW));
        String sealed = tokens.seal(CLICK);
        assertEquals(Optional.of(CLICK), tokens.open(sealed));
        assertFalse(sealed.contains("example"), sealed);
        assertFalse(new String(Base64.getUrlDecoder().decode(sealed)).contains("dora"));
        assertNotEquals(sealed, tokens.seal(CLICK), "a fresh nonce each time");
    }

    @Test
    void aChangedTokenDoesNotOpen() {
        TrackingTokens tokens = new TrackingTokens(TrackingKeys.parse(NEW));
        byte[] bytes = Base64.getUrlDecoder().decode(tokens.seal(CLICK));
        for (int i = 0; i < bytes.length; i++) {
            byte[] changed = bytes.clone();
            changed[i] ^= 0x01;
            assertTrue(tokens.open(Base64.getUrlEncoder().withoutPadding().encodeToString(changed)).isEmpty(),
                    "byte " + i + " changed");
        }
        assertTrue(tokens.open("").isEmpty());
        assertTrue(tokens.open("not base64 !").isEmpty());
        assertTrue(tokens.open("AQI").isEmpty());
        assertTrue(tokens.open("A".repeat(TrackingTokens.MAX_TOKEN_CHARS + 1)).isEmpty());
    }

    @Test
    void aTokenOfAnotherDeploymentDoesNotOpen() {
        String foreign = new TrackingTokens(TrackingKeys.parse("2:" + key(9))).seal(CLICK);
        assertTrue(new TrackingTokens(TrackingKeys.parse(NEW)).open(foreign).isEmpty());
    }

    @Test
    void rotationKeepsOldLinksWorkingUntilTheOldKeyIsDropped() {
        String sealedBefore = new TrackingTokens(TrackingKeys.parse(OLD)).seal(CLICK);
        TrackingTokens rotated = new TrackingTokens(TrackingKeys.parse(NEW + "," + OLD));
        assertEquals(Optional.of(CLICK), rotated.open(sealedBefore));
        String sealedAfter = rotated.seal(CLICK);
        assertEquals(2, Base64.getUrlDecoder().decode(sealedAfter)[1], "the first key seals");
        assertTrue(new TrackingTokens(TrackingKeys.parse(NEW)).open(sealedBefore).isEmpty());
        assertEquals(Optional.of(CLICK), new TrackingTokens(TrackingKeys.parse(NEW)).open(sealedAfter));
    }

    @Test
    void anUnsubscribeTokenNamesItsRecipientAndAClickItsDestination() {
        assertThrows(IllegalArgumentException.class, () -> new TrackingToken(TrackingToken.Kind.UNSUBSCRIBE, "acme",
                "e-1", "", "", "news", 0, ""));
        assertThrows(IllegalArgumentException.class, () -> new TrackingToken(TrackingToken.Kind.CLICK, "acme",
                "e-1", "", "", "", 1, ""));
    }

    @Test
    void badKeyConfigurationIsRefusedWithoutShowingTheKey() {
        assertThrows(IllegalArgumentException.class, () -> TrackingKeys.parse(""));
        assertThrows(IllegalArgumentException.class, () -> TrackingKeys.parse("nokey"));
        assertThrows(IllegalArgumentException.class, () -> TrackingKeys.parse("256:" + key(1)));
        assertThrows(IllegalArgumentException.class, () -> TrackingKeys.parse("1:" + key(1) + ",1:" + key(2)));
        IllegalArgumentException shortKey = assertThrows(IllegalArgumentException.class,
                () -> TrackingKeys.parse("1:c2VjcmV0"));
        assertFalse(shortKey.getMessage().contains("c2VjcmV0"));
        assertThrows(IllegalArgumentException.class, () -> TrackingKeys.parse("1:%%%"));
    }

    private static String key(int fill) {
        byte[] key = new byte[32];
        java.util.Arrays.fill(key, (byte) fill);
        return Base64.getEncoder().encodeToString(key);
    }
}
