package dev.postdate.loadtest.demo;

/** Where sent mail ends up, as the demo checks it: the SES emulator, the SMTP sink, or the blackhole's count. */
interface Sink {

    /** Called before anything is scheduled: start from an empty sink, or remember where the count starts. */
    void begin() throws Exception;

    /** What the sink holds of this run. */
    Receipts receipts() throws Exception;

    /** A line for the user: where to look at the mail. */
    String where();

    /**
     * @param perEmail     receipts per email index, or null when the sink cannot tell emails apart (blackhole)
     * @param wrongContent mails whose subject is not the one personalized for their recipient
     * @param total        mails the sink received for this run
     */
    record Receipts(int[] perEmail, long wrongContent, long total) {
    }
}
