package dev.postdate.ranger;

import dev.postdate.core.intake.ArrivalHorizon;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/** In production the horizon is the one the ingest consumers maintain in Redis. */
@Factory
public class SeqHorizonFactory {

    @Singleton
    SeqHorizon seqHorizon(ArrivalHorizon arrivalHorizon) {
        return arrivalHorizon::current;
    }
}
