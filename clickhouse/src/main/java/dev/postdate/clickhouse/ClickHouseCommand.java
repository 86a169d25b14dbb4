package dev.postdate.clickhouse;

import dev.postdate.clickhouse.keys.ApiKeyStore;
import dev.postdate.clickhouse.keys.ApiKeys;
import dev.postdate.clickhouse.keys.CreatedApiKey;
import dev.postdate.clickhouse.migrations.Migrator;
import io.micronaut.configuration.picocli.MicronautFactory;
import io.micronaut.context.ApplicationContext;
import jakarta.inject.Inject;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.List;
import java.util.concurrent.Callable;

/** Operator commands on Postdate's ClickHouse database: {@code migrate}, {@code schema-version}, {@code keys}. */
@Command(name = "postdate-clickhouse", mixinStandardHelpOptions = true,
        description = "Operator commands on Postdate's ClickHouse database.",
        subcommands = {ClickHouseCommand.Migrate.class, ClickHouseCommand.SchemaVersion.class,
                ClickHouseCommand.Keys.class})
public class ClickHouseCommand implements Runnable {

    /** Its own environment, so the components' application.yml on the same classpath stays theirs. */
    static final String ENVIRONMENT = "clickhouse-cli";

    public static void main(String[] args) {
        try (ApplicationContext context = ApplicationContext.builder(ClickHouseCommand.class, ENVIRONMENT).start()) {
            System.exit(new CommandLine(ClickHouseCommand.class, new MicronautFactory(context)).execute(args));
        }
    }

    @Override
    public void run() {
        System.out.println("Use a subcommand: migrate, schema-version, keys (see --help).");
    }

    @Command(name = "migrate", mixinStandardHelpOptions = true,
            description = "Apply pending schema migrations (idempotent).")
    static class Migrate implements Runnable {
        @Inject
        ClickHouseSql sql;

        @Override
        public void run() {
            List<String> applied = new Migrator(sql).migrate();
            System.out.println(applied.isEmpty()
                    ? "Schema of " + sql.database() + " is already current."
                    : "Applied to " + sql.database() + ": " + String.join(", ", applied));
        }
    }

    @Command(name = "schema-version", mixinStandardHelpOptions = true,
            description = "Print the applied and the shipped schema version.")
    static class SchemaVersion implements Runnable {
        @Inject
        ClickHouseSql sql;

        @Override
        public void run() {
            Migrator migrator = new Migrator(sql);
            System.out.println("applied " + migrator.currentVersion() + ", shipped " + migrator.shippedVersion());
        }
    }

    @Command(name = "keys", mixinStandardHelpOptions = true, description = "Create and revoke API keys.",
            subcommands = {CreateKey.class, RevokeKey.class})
    static class Keys implements Runnable {
        @Override
        public void run() {
            System.out.println("Use a subcommand: create --tenant NAME, revoke KEY_ID (see --help).");
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create an API key for a tenant and print it; it is shown only this once.")
    static class CreateKey implements Callable<Integer> {
        @Inject
        ApiKeyStore keys;

        @CommandLine.Option(names = "--tenant", required = true, description = "tenant name: a-z, 0-9, '_', '-'")
        String tenant;

        @Override
        public Integer call() {
            if (!ApiKeys.TENANT.matcher(tenant).matches()) {
                System.err.println("Invalid tenant name: use 1-64 of a-z, 0-9, '_', '-', starting with a letter or digit.");
                return 2;
            }
            CreatedApiKey created = keys.create(tenant);
            System.out.println("key_id " + created.keyId());
            System.out.println("tenant " + created.tenant());
            System.out.println("key    " + created.key());
            System.out.println("Store the key now: only its hash is kept."
                    + " Running apis accept it within their keys-refresh interval.");
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke an API key; running apis reject it within their keys-refresh interval.")
    static class RevokeKey implements Callable<Integer> {
        @Inject
        ApiKeyStore keys;

        @CommandLine.Parameters(paramLabel = "KEY_ID", description = "the key id printed by create")
        String keyId;

        @Override
        public Integer call() {
            if (keys.revoke(keyId)) {
                System.out.println("Revoked " + keyId + ".");
                return 0;
            }
            System.err.println("No active key " + keyId + ".");
            return 1;
        }
    }
}
