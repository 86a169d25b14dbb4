package dev.postdate.clickhouse;

import dev.postdate.clickhouse.keys.ApiKeyStore;
import dev.postdate.clickhouse.keys.ApiKeys;
import dev.postdate.clickhouse.keys.CreatedApiKey;
import dev.postdate.clickhouse.keys.KeyListing;
import dev.postdate.clickhouse.migrations.Migrator;
import dev.postdate.clickhouse.senders.SenderIdentities;
import dev.postdate.clickhouse.senders.SenderIdentityStore;
import io.micronaut.configuration.picocli.MicronautFactory;
import io.micronaut.context.ApplicationContext;
import io.micronaut.core.convert.ConversionService;
import jakarta.inject.Inject;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** Operator commands on Postdate's ClickHouse database: {@code migrate}, {@code schema-version}, {@code keys}, {@code senders}. */
@Command(name = "postdate-clickhouse", mixinStandardHelpOptions = true,
        description = "Operator commands on Postdate's ClickHouse database.",
        subcommands = {ClickHouseCommand.Migrate.class, ClickHouseCommand.SchemaVersion.class,
                ClickHouseCommand.Keys.class, ClickHouseCommand.Senders.class})
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
        System.out.println("Use a subcommand: migrate, schema-version, keys, senders (see --help).");
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

    @Command(name = "keys", mixinStandardHelpOptions = true, description = "Create, list and revoke API keys.",
            subcommands = {CreateKey.class, ListKeys.class, RevokeKey.class})
    static class Keys implements Runnable {
        @Override
        public void run() {
            System.out.println("Use a subcommand: create --tenant NAME [--expires-in 90d], list [--tenant NAME],"
                    + " revoke KEY_ID (see --help).");
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create an API key for a tenant and print it; it is shown only this once.")
    static class CreateKey implements Callable<Integer> {
        @Inject
        ApiKeyStore keys;

        @Inject
        ConversionService conversion;

        @Inject
        Clock clock;

        @CommandLine.Option(names = "--tenant", required = true, description = "tenant name: a-z, 0-9, '_', '-'")
        String tenant;

        @CommandLine.Option(names = "--expires-in", description = "lifetime, e.g. 90d, 12h, 30m (default: until revoked)")
        String expiresIn;

        @Override
        public Integer call() {
            if (!ApiKeys.TENANT.matcher(tenant).matches()) {
                System.err.println("Invalid tenant name: use 1-64 of a-z, 0-9, '_', '-', starting with a letter or digit.");
                return 2;
            }
            Optional<Duration> lifetime = expiresIn == null ? Optional.empty()
                    : conversion.convert(expiresIn, Duration.class);
            if (expiresIn != null && (lifetime.isEmpty() || lifetime.get().isNegative() || lifetime.get().isZero())) {
                System.err.println("Invalid --expires-in '" + expiresIn + "': use a positive duration such as 90d, 12h or 30m.");
                return 2;
            }
            CreatedApiKey created;
            try {
                created = keys.create(tenant, lifetime.orElse(null));
            } catch (IllegalArgumentException e) {
                System.err.println("Invalid --expires-in '" + expiresIn + "': " + e.getMessage() + ".");
                return 2;
            }
            System.out.println("key_id  " + created.keyId());
            System.out.println("tenant  " + created.tenant());
            System.out.println("expires " + lifetime.map(d -> clock.instant().plus(d).truncatedTo(ChronoUnit.SECONDS).toString())
                    .orElse("never"));
            System.out.println("key     " + created.key());
            System.out.println("Store the key now: only its hash is kept. Running apis accept it at once.");
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List API keys: id, tenant, created, expires, revoked (never a secret).")
    static class ListKeys implements Runnable {
        @Inject
        ApiKeyStore keys;

        @CommandLine.Option(names = "--tenant", description = "only this tenant's keys")
        String tenant;

        @Override
        public void run() {
            String format = "%-16s  %-24s  %-20s  %-20s  %s%n";
            System.out.printf(format, "KEY_ID", "TENANT", "CREATED", "EXPIRES", "REVOKED");
            for (KeyListing key : keys.list(tenant)) {
                System.out.printf(format, key.keyId(), key.tenant(), key.createdAt(),
                        key.expiresAt() == null ? "never" : key.expiresAt(),
                        key.revokedAt() == null ? "-" : key.revokedAt());
            }
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

    @Command(name = "senders", mixinStandardHelpOptions = true,
            description = "Manage the domains and addresses a tenant may send from (from and reply_to).",
            subcommands = {AddSender.class, RemoveSender.class, ListSenders.class})
    static class Senders implements Runnable {
        @Override
        public void run() {
            System.out.println("Use a subcommand: add|remove --tenant NAME DOMAIN_OR_ADDRESS, list --tenant NAME (see --help).");
        }
    }

    /** The tenant option and the checks every senders subcommand shares. */
    static class TenantOption {
        @CommandLine.Option(names = "--tenant", required = true, description = "tenant name: a-z, 0-9, '_', '-'")
        String tenant;

        boolean valid() {
            if (ApiKeys.TENANT.matcher(tenant).matches()) {
                return true;
            }
            System.err.println("Invalid tenant name: use 1-64 of a-z, 0-9, '_', '-', starting with a letter or digit.");
            return false;
        }

        static Optional<String> identity(String given) {
            Optional<String> identity = SenderIdentities.normalize(given);
            if (identity.isEmpty()) {
                System.err.println("Not a domain (example.org) or a plain address (news@example.org): " + given);
            }
            return identity;
        }
    }

    /** A change to one of a tenant's sender identities: the tenant and the identity checked first. */
    abstract static class SenderChange implements Callable<Integer> {
        @CommandLine.Mixin
        TenantOption tenant;
        @CommandLine.Parameters(paramLabel = "DOMAIN_OR_ADDRESS", description = "e.g. example.org or news@example.org")
        String given;

        @Override
        public Integer call() {
            Optional<String> identity = TenantOption.identity(given);
            if (!tenant.valid() || identity.isEmpty()) {
                return 2;
            }
            return apply(tenant.tenant, identity.get());
        }

        abstract int apply(String tenant, String identity);
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Let a tenant send from a domain (any address at exactly that domain) or one address."
                    + " Running apis accept it within their keys-refresh interval.")
    static class AddSender extends SenderChange {
        // In each command, not the base: the factory injects only the command class's own fields.
        @Inject
        SenderIdentityStore senders;

        @Override
        int apply(String tenant, String identity) {
            senders.add(tenant, identity);
            System.out.println("Added " + identity + " to " + tenant + ".");
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Stop a tenant sending from a domain or address; running apis reject it within their"
                    + " keys-refresh interval. Emails accepted before are still sent.")
    static class RemoveSender extends SenderChange {
        @Inject
        SenderIdentityStore senders;

        @Override
        int apply(String tenant, String identity) {
            if (senders.remove(tenant, identity)) {
                System.out.println("Removed " + identity + " from " + tenant + ".");
                return 0;
            }
            System.err.println(tenant + " has no sender identity " + identity + ".");
            return 1;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Print a tenant's sender identities, one a line.")
    static class ListSenders implements Callable<Integer> {
        @Inject
        SenderIdentityStore senders;
        @CommandLine.Mixin
        TenantOption tenant;

        @Override
        public Integer call() {
            if (!tenant.valid()) {
                return 2;
            }
            senders.list(tenant.tenant).forEach(System.out::println);
            return 0;
        }
    }
}
