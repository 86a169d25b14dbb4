package dev.postdate.api.contacts.imports;

import dev.postdate.api.problem.FieldError;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.LongSupplier;

/**
 * The rows of one part of an import, read as they are consumed. UTF-8 is decoded strictly (a byte
 * that is not UTF-8 is an error, never a replacement character in a contact).
 */
final class PartRows implements Iterator<ImportRow> {

    private final Iterator<ImportRow> rows;
    private final LongSupplier linesConsumed;

    private PartRows(Iterator<ImportRow> rows, LongSupplier linesConsumed) {
        this.rows = rows;
        this.linesConsumed = linesConsumed;
    }

    /** Lines of the file consumed so far, by this part and the parts before (empty lines too). */
    long lastLine() {
        return linesConsumed.getAsLong();
    }

    @Override
    public boolean hasNext() {
        return rows.hasNext();
    }

    @Override
    public ImportRow next() {
        return rows.next();
    }

    /** A CSV part: its header record, when it is the file's first part, then its rows. */
    static final class CsvPart {
        private final Iterator<CSVRecord> records;
        private final long linesBefore;
        private long lastRecord;

        CsvPart(byte[] body, long linesBefore) {
            this.linesBefore = linesBefore;
            try {
                this.records = CSVParser.parse(new InputStreamReader(new ByteArrayInputStream(withoutBom(body)),
                        StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                                .onUnmappableCharacter(CodingErrorAction.REPORT)), CSVFormat.RFC4180).iterator();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The first record's cells, or empty when the part has none; a malformed one throws. */
        List<String> header() {
            if (!records.hasNext()) {
                return List.of();
            }
            CSVRecord first = records.next();
            lastRecord = first.getRecordNumber();
            return first.toList();
        }

        /**
         * The records (after the header, if it was read) as rows. A malformed record (an unclosed
         * quote, a byte that is not UTF-8) ends the part: it is the last row, with the reason.
         */
        PartRows rows(CsvColumns columns) {
            Iterator<ImportRow> rows = new Iterator<>() {
                private boolean ended;
                /** Thrown when looking for the next record: reported as that record. */
                private UncheckedIOException malformed;

                @Override
                public boolean hasNext() {
                    if (ended) {
                        return false;
                    }
                    if (malformed != null) {
                        return true;
                    }
                    try {
                        return records.hasNext();
                    } catch (UncheckedIOException e) {
                        malformed = e;
                        return true;
                    }
                }

                @Override
                public ImportRow next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    long line = linesBefore + lastRecord + 1;
                    try {
                        if (malformed != null) {
                            throw malformed;
                        }
                        CSVRecord record = records.next();
                        lastRecord = record.getRecordNumber();
                        List<FieldError> problems = new ArrayList<>();
                        JsonNode contact = columns.contact(record, problems);
                        return new ImportRow(linesBefore + lastRecord, contact, problems);
                    } catch (UncheckedIOException e) {
                        // The parser cannot go on after it: the malformed rest of the part is one bad row.
                        ended = true;
                        String reason = e.getCause() instanceof CharacterCodingException ? "not UTF-8"
                                : "malformed CSV, the rest of this part is not read: " + e.getCause().getMessage();
                        return new ImportRow(line, null, List.of(new FieldError("", reason)));
                    }
                }
            };
            return new PartRows(rows, () -> linesBefore + lastRecord);
        }
    }

    /** An NDJSON part's lines as rows: one JSON object per line; empty lines count as lines, not rows. */
    static PartRows ndjson(byte[] body, long linesBefore, JsonMapper json) {
        byte[] bytes = withoutBom(body);
        long[] line = {linesBefore};
        Iterator<ImportRow> rows = new Iterator<>() {
            private int position;

            @Override
            public boolean hasNext() {
                skipEmptyLines();
                return position < bytes.length;
            }

            @Override
            public ImportRow next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int end = lineEnd(position);
                int length = end - position;
                if (length > 0 && bytes[end - 1] == '\r') {
                    length--;
                }
                line[0]++;
                ImportRow row = parse(line[0], position, length);
                position = end + 1;
                return row;
            }

            private ImportRow parse(long at, int offset, int length) {
                try {
                    StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(bytes, offset, length));
                } catch (CharacterCodingException e) {
                    return new ImportRow(at, null, List.of(new FieldError("", "not UTF-8")));
                }
                try {
                    JsonNode node = json.readValue(Arrays.copyOfRange(bytes, offset, offset + length), JsonNode.class);
                    if (node == null || !node.isObject()) {
                        return new ImportRow(at, null, List.of(new FieldError("", "must be a JSON object")));
                    }
                    return new ImportRow(at, node, List.of());
                } catch (IOException | RuntimeException e) {
                    return new ImportRow(at, null, List.of(new FieldError("", "not valid JSON")));
                }
            }

            private void skipEmptyLines() {
                while (position < bytes.length) {
                    int end = lineEnd(position);
                    boolean blank = true;
                    for (int i = position; i < end && blank; i++) {
                        blank = bytes[i] == ' ' || bytes[i] == '\t' || bytes[i] == '\r';
                    }
                    if (!blank) {
                        return;
                    }
                    line[0]++;
                    position = end + 1;
                }
            }

            private int lineEnd(int from) {
                int i = from;
                while (i < bytes.length && bytes[i] != '\n') {
                    i++;
                }
                return i;
            }
        };
        return new PartRows(rows, () -> {
            // Empty lines after the last row count too: the next part's numbers follow them.
            rows.hasNext();
            return line[0];
        });
    }

    private static byte[] withoutBom(byte[] body) {
        if (body.length >= 3 && (body[0] & 0xFF) == 0xEF && (body[1] & 0xFF) == 0xBB && (body[2] & 0xFF) == 0xBF) {
            return Arrays.copyOfRange(body, 3, body.length);
        }
        return body;
    }
}
