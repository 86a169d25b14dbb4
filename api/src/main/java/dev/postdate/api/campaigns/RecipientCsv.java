package dev.postdate.api.campaigns;

import dev.postdate.clickhouse.campaigns.CampaignRecipients;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

/** A page of an occurrence's ledger as RFC 4180 CSV with a header row. */
final class RecipientCsv {

    private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder()
            .setHeader("email_id", "contact_id", "state", "detail", "resend_of").get();

    private RecipientCsv() {
    }

    static String of(List<CampaignRecipients.Recipient> page) {
        StringWriter out = new StringWriter();
        try (CSVPrinter printer = new CSVPrinter(out, FORMAT)) {
            for (CampaignRecipients.Recipient r : page) {
                printer.printRecord(r.emailId(), r.contactId(), r.state().wireName(), r.detail(), r.resendOf());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
