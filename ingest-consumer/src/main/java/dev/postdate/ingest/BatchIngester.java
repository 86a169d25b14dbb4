package dev.postdate.ingest;

import dev.postdate.clickhouse.ingest.EmailRow;
import dev.postdate.clickhouse.ingest.EmailRowsInsert;
import dev.postdate.clickhouse.ingest.StoredEmailIds;
import dev.postdate.core.campaign.CampaignSpec;
import dev.postdate.core.intake.IntakePacket;
import dev.postdate.core.intake.PackedEmail;
import dev.postdate.core.intake.PacketClaim;
import dev.postdate.core.intake.SeqBlock;
import dev.postdate.core.intake.SeqLedger;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One attempt at making a batch of packets visible in ClickHouse exactly once: claim seq blocks,
 * find out what earlier attempts already stored, insert the rest in one statement, then mark the
 * packets ingested and release their blocks. Safe to repeat after a failure or a crash at any step
 * (docs/ingest.md walks through each).
 */
@Singleton
class BatchIngester {

    private final SeqLedger ledger;
    private final StoredEmailIds storedIds;
    private final EmailRowsInsert insert;
    private final Clock clock;
    private final IngestSettings settings;

    BatchIngester(SeqLedger ledger, StoredEmailIds storedIds, EmailRowsInsert insert, Clock clock, IngestSettings settings) {
        this.ledger = ledger;
        this.storedIds = storedIds;
        this.insert = insert;
        this.clock = clock;
        this.settings = settings;
    }

    /**
     * @param packetsIngested packets now marked ingested (including those found already stored)
     * @param emailsInserted  rows written by this attempt
     * @param redeliveries    packets that an earlier delivery had already stored: nothing was written
     */
    record Outcome(int packetsIngested, int emailsInserted, int redeliveries) {
    }

    /** A packet claimed by another consumer between this attempt's claim and its reassignment. */
    static final class ConcurrentClaimException extends RuntimeException {
        ConcurrentClaimException(String packetId) {
            super("packet " + packetId + " was given a new seq block by another consumer; claiming again");
        }
    }

    /** Too little lease left: the insert, aborted at its deadline, could still commit after the block's lease. */
    static final class LeaseTooShortException extends RuntimeException {
        LeaseTooShortException(Duration left) {
            super("only " + left + " of seq lease left before the insert; claiming again");
        }
    }

    Outcome ingest(List<IntakePacket> batch) {
        Map<String, IntakePacket> byId = new LinkedHashMap<>();
        batch.forEach(packet -> byId.putIfAbsent(packet.packetId(), packet));
        List<IntakePacket> withEmails = byId.values().stream().filter(packet -> !packet.emails().isEmpty()).toList();

        Instant leaseUntil = clock.instant().plus(settings.lease());
        List<PacketClaim> claims = withEmails.isEmpty() ? List.of() : ledger.claim(withEmails, leaseUntil);
        List<EmailRow> rows = new ArrayList<>();
        List<SeqBlock> written = new ArrayList<>();
        int redeliveries = 0;
        Set<PackedEmail> campaignCopies = campaignCopies(withEmails, claims);
        for (int i = 0; i < claims.size(); i++) {
            IntakePacket packet = withEmails.get(i);
            PacketClaim claim = claims.get(i);
            switch (claim.status()) {
                case INGESTED -> redeliveries++;
                case NEW, RENEWED -> {
                    // Earlier blocks exist only after a lapsed lease; their stored rows stay where they are.
                    addRows(rows, packet, claim.current(), withCampaignCopies(packet, stored(packet, claim.earlier()),
                            campaignCopies));
                    written.add(claim.current());
                }
                case EXPIRED -> {
                    Set<String> stored = withCampaignCopies(packet, stored(packet, claim.blocks()), campaignCopies);
                    if (packet.emails().stream().allMatch(email -> stored.contains(email.id()))) {
                        redeliveries++;
                    } else {
                        SeqBlock block = ledger.reassign(claim, packet.emails().size(), leaseUntil)
                                .orElseThrow(() -> new ConcurrentClaimException(packet.packetId()));
                        addRows(rows, packet, block, stored);
                        written.add(block);
                    }
                }
            }
        }
        if (!rows.isEmpty()) {
            Duration left = Duration.between(clock.instant(), leaseUntil);
            if (left.compareTo(settings.insertTimeout().plus(settings.insertCommitMargin())) < 0) {
                throw new LeaseTooShortException(left);
            }
            insert.insert(rows, settings.insertTimeout());
        }
        ledger.complete(byId.keySet(), written);
        return new Outcome(byId.size(), rows.size(), redeliveries);
    }

    /**
     * Campaign emails of the claimed packets already stored under any key ({@link StoredEmailIds#storedById}),
     * and the second of two copies within this batch: an expander that stopped between SQS and its
     * checkpoint publishes a page again with the same ids, which are then stored once. Other emails
     * have fresh ids per acceptance and skip the lookup.
     */
    private Set<PackedEmail> campaignCopies(List<IntakePacket> packets, List<PacketClaim> claims) {
        List<PackedEmail> campaignEmails = new ArrayList<>();
        for (int i = 0; i < claims.size(); i++) {
            if (claims.get(i).status() != PacketClaim.Status.INGESTED) {
                packets.get(i).emails().stream().filter(e -> e.batchId().startsWith(CampaignSpec.BATCH_PREFIX))
                        .forEach(campaignEmails::add);
            }
        }
        if (campaignEmails.isEmpty()) {
            return Set.of();
        }
        Set<String> stored = storedIds.storedById(campaignEmails);
        Set<String> seen = new HashSet<>();
        // By identity: two copies of one email are equal records, and only the second is to be left out.
        Set<PackedEmail> copies = Collections.newSetFromMap(new IdentityHashMap<>());
        for (PackedEmail email : campaignEmails) {
            String key = StoredEmailIds.key(email.tenant(), email.id());
            if (stored.contains(key) || !seen.add(key)) {
                copies.add(email);
            }
        }
        return copies;
    }

    /** The packet's ids stored before, with those of its emails that are copies of campaign emails. */
    private static Set<String> withCampaignCopies(IntakePacket packet, Set<String> stored, Set<PackedEmail> copies) {
        if (copies.isEmpty()) {
            return stored;
        }
        Set<String> all = new HashSet<>(stored);
        packet.emails().stream().filter(copies::contains).forEach(email -> all.add(email.id()));
        return all;
    }

    private Set<String> stored(IntakePacket packet, List<SeqBlock> blocks) {
        if (blocks.isEmpty()) {
            return Set.of();
        }
        Comparator<PackedEmail> bySendAt = Comparator.comparing(PackedEmail::sendAt);
        return storedIds.in(packet.emails().stream().min(bySendAt).orElseThrow().sendAt(),
                packet.emails().stream().max(bySendAt).orElseThrow().sendAt(), blocks);
    }

    /** Email {@code i} of a packet always gets {@code block.start() + i}: a retry rewrites identical keys. */
    private void addRows(List<EmailRow> rows, IntakePacket packet, SeqBlock block, Set<String> alreadyStored) {
        for (int i = 0; i < packet.emails().size(); i++) {
            PackedEmail email = packet.emails().get(i);
            if (!alreadyStored.contains(email.id())) {
                rows.add(new EmailRow(email.sendAt(), block.seqOf(i), email.id(), email.tenant(), email.batchId(),
                        email.acceptedAt(), email.content()));
            }
        }
    }
}
