package dev.postdate.worker.send;

import java.util.concurrent.atomic.LongAdder;

/** Accepts and counts: for benchmarks of everything but the provider. Never the default. */
public class BlackholeSender implements Sender {

    private final LongAdder accepted = new LongAdder();

    @Override
    public String send(OutgoingEmail email) {
        accepted.increment();
        return email.messageId();
    }

    @Override
    public String name() {
        return "blackhole";
    }

    public long accepted() {
        return accepted.sum();
    }
}
