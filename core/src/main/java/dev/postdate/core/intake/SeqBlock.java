package dev.postdate.core.intake;

/**
 * A run of arrival sequence numbers, {@code start..start+size-1}, handed to one packet. A packet's
 * email at index {@code i} always gets {@code start + i}, so a retry writes the same keys.
 */
public record SeqBlock(long start, int size) {

    public SeqBlock {
        if (start < 1 || size < 1) {
            throw new IllegalArgumentException("empty or negative block " + start + "+" + size);
        }
    }

    public long end() {
        return start + size - 1;
    }

    public long seqOf(int emailIndex) {
        return start + emailIndex;
    }

    /** The block's member in the in-flight sorted set; the ranger parses the start back. */
    public String member() {
        return start + ".." + end();
    }

    /** Inverse of {@link #member()}. */
    public static SeqBlock ofMember(String member) {
        int dots = member.indexOf("..");
        long start = Long.parseLong(member.substring(0, dots));
        long end = Long.parseLong(member.substring(dots + 2));
        return new SeqBlock(start, Math.toIntExact(end - start + 1));
    }
}
