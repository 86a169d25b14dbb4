package dev.postdate.core.redis;

import dev.postdate.core.testing.TestServices;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.UUID;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Against the real Redis. SCRIPT FLUSH stands in for a restarted or failed-over Redis, which has
 * forgotten every cached script.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisScriptTest {

    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;
    /** Unique text per run, so that no other test's script shares its SHA-1. */
    private final String marker = UUID.randomUUID().toString();
    private final RedisScript greet = new RedisScript("-- " + marker + "\nreturn ARGV[1] .. ' ' .. KEYS[1]");

    @BeforeAll
    void connect() {
        client = RedisClient.create(TestServices.current().redisUri());
        connection = client.connect();
    }

    @AfterAll
    void close() {
        connection.close();
        client.shutdown();
    }

    @Test
    void aScriptRedisForgotIsSentInFullOnceThenRunsByItsDigest() {
        connection.sync().scriptFlush();
        String digest = connection.sync().digest("-- " + marker + "\nreturn ARGV[1] .. ' ' .. KEYS[1]");
        assertEquals(false, connection.sync().scriptExists(digest).get(0));

        String first = greet.eval(connection.sync(), ScriptOutputType.VALUE, new String[]{"world"}, "hello");
        assertEquals("hello world", first);
        assertTrue(connection.sync().scriptExists(digest).get(0), "the fallback EVAL cached it");
        String second = greet.eval(connection.sync(), ScriptOutputType.VALUE, new String[]{"again"}, "hello");
        assertEquals("hello again", second);
    }

    @Test
    void theAsyncFormFallsBackTheSameWay() {
        connection.sync().scriptFlush();
        String answer = greet.<String>evalAsync(connection.async(), ScriptOutputType.VALUE,
                new String[]{"async"}, "hello").toCompletableFuture().join();
        assertEquals("hello async", answer);
        String cached = greet.<String>evalAsync(connection.async(), ScriptOutputType.VALUE,
                new String[]{"cached"}, "hello").toCompletableFuture().join();
        assertEquals("hello cached", cached);
    }

    @Test
    void anErrorOfTheScriptItselfIsNotMistakenForAMissingScript() {
        RedisScript failing = new RedisScript("-- " + marker + "\nreturn redis.error_reply('refused')");
        assertThrows(RedisCommandExecutionException.class,
                () -> failing.eval(connection.sync(), ScriptOutputType.VALUE, new String[]{"k"}));
        CompletionException async = assertThrows(CompletionException.class,
                () -> failing.evalAsync(connection.async(), ScriptOutputType.VALUE, new String[]{"k"})
                        .toCompletableFuture().join());
        assertInstanceOf(RedisCommandExecutionException.class, async.getCause());
    }
}
