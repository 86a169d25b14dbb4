package dev.postdate.api.contacts.imports;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.postdate.clickhouse.contacts.ContactImport;
import dev.postdate.clickhouse.contacts.RowError;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

/** An import as the API shows it: its progress, counts and first row errors. */
@Serdeable
@Schema(name = "ContactImport")
public record ImportView(String id, @Schema(allowableValues = {"csv", "ndjson"}) String format,
                         @Schema(allowableValues = {"importing", "open", "done"},
                                 description = "importing: a part is being read; open: waiting for the next part; done")
                         String state,
                         @Schema(description = "parts processed") int parts,
                         @Schema(description = "lines of the file read so far (a CSV header is line 1)") long lines,
                         @Schema(description = "data rows read, good and bad") long rows,
                         long imported, long failed,
                         @JsonInclude(JsonInclude.Include.ALWAYS)
                         @Schema(description = "the first row errors, in file order") List<ErrorView> errors,
                         @JsonProperty("created_at") String createdAt, @JsonProperty("updated_at") String updatedAt) {

    @Serdeable
    @Schema(name = "ContactImportError")
    public record ErrorView(long line, @JsonInclude(JsonInclude.Include.ALWAYS)
                            @Schema(description = "the column (CSV) or JSON path; empty: the whole row") String field,
                            String reason) {
    }

    static ImportView of(ContactImport i) {
        return new ImportView(i.id(), i.format(), i.state(), i.parts(), i.lines(), i.rows(), i.imported(), i.failed(),
                i.errors().stream().map(ImportView::view).toList(), i.created().toString(), i.updated().toString());
    }

    private static ErrorView view(RowError e) {
        return new ErrorView(e.line(), e.field(), e.reason());
    }
}
