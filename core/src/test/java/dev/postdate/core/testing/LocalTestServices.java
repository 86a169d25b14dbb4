package dev.postdate.core.testing;

import java.io.IOException;
import java.net.URI;

/**
 * Servers already running on this machine, found through the same environment variables the
 * components read ({@code infra/local/env.sh} sets them; defaults match its default ports).
 */
public final class LocalTestServices implements TestServices {

    @Override
    public String clickhouseUrl() {
        return env("POSTDATE_CLICKHOUSE_URL", "http://127.0.0.1:18123");
    }

    @Override
    public String clickhouseUser() {
        return env("POSTDATE_CLICKHOUSE_USER", "default");
    }

    @Override
    public String clickhousePassword() {
        return env("POSTDATE_CLICKHOUSE_PASSWORD", "");
    }

    @Override
    public String clickhouseCluster() {
        return env("POSTDATE_CLICKHOUSE_CLUSTER", "");
    }

    @Override
    public String clickhouseOtherReplicaUrl() {
        return env("POSTDATE_TEST_CLICKHOUSE_OTHER_REPLICA_URL", "");
    }

    @Override
    public int clickhouseInsertQuorum() {
        return Integer.parseInt(env("POSTDATE_CLICKHOUSE_INSERT_QUORUM", "0"));
    }

    @Override
    public String redisUri() {
        return env("POSTDATE_REDIS_URI", "redis://127.0.0.1:16379");
    }

    @Override
    public URI sqsEndpoint() {
        return URI.create(env("POSTDATE_SQS_ENDPOINT", "http://127.0.0.1:19324"));
    }

    @Override
    public URI sesEndpoint() {
        return URI.create(env("POSTDATE_SES_ENDPOINT", "http://127.0.0.1:18005"));
    }

    @Override
    public String awsRegion() {
        return env("POSTDATE_AWS_REGION", "us-east-1");
    }

    @Override
    public RestartableServer privateSesEmulator() throws IOException {
        return new LocalSesEmulator(0);
    }

    @Override
    public RestartableServer privateThrottlingSesEmulator(int sends) throws IOException {
        return new LocalSesEmulator(sends);
    }

    @Override
    public RestartableServer privateRedis() throws IOException {
        return new LocalRedisServer();
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
