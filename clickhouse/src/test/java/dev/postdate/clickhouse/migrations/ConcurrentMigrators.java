package dev.postdate.clickhouse.migrations;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.ClickHouseTestSupport;
import dev.postdate.core.testing.TestEnvironment;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Components starting together: several migrators at once, each retried until it succeeds, as SchemaOnStart does. */
final class ConcurrentMigrators {

    private static final int ATTEMPTS = 5;

    private ConcurrentMigrators() {
    }

    /** Runs them, then asserts that the schema they left is current. */
    static void run(TestEnvironment env, int migrators) throws ExecutionException, InterruptedException {
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<Void>> runs = new ArrayList<>();
            for (int i = 0; i < migrators; i++) {
                runs.add(CompletableFuture.runAsync(() -> migrateUntilDone(env), threads));
            }
            CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get();
        }
        assertEquals(List.of(), new Migrator(ClickHouseTestSupport.sqlFor(env)).migrate(), "current");
    }

    private static void migrateUntilDone(TestEnvironment env) {
        ClickHouseSql own = ClickHouseTestSupport.sqlFor(env);
        RuntimeException last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try {
                new Migrator(own).migrate();
                return;
            } catch (RuntimeException e) {
                last = e;
            }
        }
        throw last;
    }
}
