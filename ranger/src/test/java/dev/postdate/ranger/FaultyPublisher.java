package dev.postdate.ranger;

import dev.postdate.core.range.RangeMessage;
import dev.postdate.core.sqs.QueueUrls;
import dev.postdate.core.sqs.SqsSettings;
import io.micronaut.serde.ObjectMapper;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

import java.util.List;

/** Simulates a ranger process dying at a chosen point of publishing. */
final class FaultyPublisher extends RangePublisher {

    enum Fault { NONE, BEFORE, HALFWAY, AFTER }

    private volatile Fault next = Fault.NONE;

    FaultyPublisher(SqsAsyncClient sqs, QueueUrls urls, SqsSettings settings, ObjectMapper json) {
        super(sqs, urls, settings, json);
    }

    void failNext(Fault fault) {
        next = fault;
    }

    @Override
    public void publish(List<RangeMessage> ranges) {
        Fault fault = next;
        next = Fault.NONE;
        switch (fault) {
            case NONE -> super.publish(ranges);
            case BEFORE -> throw new SimulatedCrash("before publishing");
            case HALFWAY -> {
                super.publish(ranges.subList(0, ranges.size() / 2));
                throw new SimulatedCrash("halfway through publishing");
            }
            case AFTER -> {
                super.publish(ranges);
                throw new SimulatedCrash("after publishing, before marking the tick done");
            }
        }
    }

    static final class SimulatedCrash extends RuntimeException {
        SimulatedCrash(String where) {
            super("simulated crash " + where);
        }
    }
}
