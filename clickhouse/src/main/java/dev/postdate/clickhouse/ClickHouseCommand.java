package dev.postdate.clickhouse;

import dev.postdate.clickhouse.migrations.Migrator;
import io.micronaut.configuration.picocli.MicronautFactory;
import io.micronaut.context.ApplicationContext;
import jakarta.inject.Inject;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.List;

/** Operator commands on Postdate's ClickHouse database: {@code migrate}, {@code schema-version}. */
@Command(name = "postdate-clickhouse", mixinStandardHelpOptions = true,
        description = "Operator commands on Postdate's ClickHouse database.",
        subcommands = {ClickHouseCommand.Migrate.class, ClickHouseCommand.SchemaVersion.class})
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
        System.out.println("Use a subcommand: migrate, schema-version (see --help).");
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
}
