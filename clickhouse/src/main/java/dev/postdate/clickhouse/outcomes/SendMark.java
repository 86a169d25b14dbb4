package dev.postdate.clickhouse.outcomes;

/**
 * One row of {@code send_marks}: a worker says that its provider call for an email may begin
 * ({@link Kind#SENDING}), or that it surely made none after all ({@link Kind#RELEASED}).
 *
 * @param version orders the rows of one worker; see {@link SendMarkStore}
 */
public record SendMark(RangeEmail email, String worker, Kind kind, long version) {

    public enum Kind {
        SENDING("sending"),
        RELEASED("released");

        private final String wireName;

        Kind(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }
}
