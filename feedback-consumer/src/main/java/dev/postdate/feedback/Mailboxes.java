package dev.postdate.feedback;

import dev.postdate.clickhouse.migrations.SchemaOnStart;
import io.micronaut.context.event.ShutdownEvent;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.List;

/** Starts a {@link MailboxReader} for each configured {@link MailboxSource} and stops them on shutdown. */
@Singleton
class Mailboxes {

    private final List<MailboxSource> sources;
    private final SchemaOnStart schema;
    private final List<MailboxReader> readers = new ArrayList<>();

    Mailboxes(List<MailboxSource> sources, SchemaOnStart schema) {
        this.sources = sources;
        this.schema = schema;
    }

    @EventListener
    void onStartup(StartupEvent event) {
        for (MailboxSource source : sources) {
            MailboxSettings settings = source.settings();
            if (settings.enabled()) {
                MailboxReader reader = new MailboxReader(source.name(), settings.mailbox(), settings.pollInterval(), schema,
                        source::handle, source::readFailed);
                readers.add(reader);
                reader.start();
            }
        }
    }

    @EventListener
    void onShutdown(ShutdownEvent event) throws InterruptedException {
        for (MailboxReader reader : readers) {
            reader.stop();
        }
    }
}
