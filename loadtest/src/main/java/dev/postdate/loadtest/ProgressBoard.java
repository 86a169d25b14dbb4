package dev.postdate.loadtest;

import java.io.PrintStream;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Live progress: one bar per stage, redrawn in place on a terminal; on a pipe or a log file one
 * compact line per {@code plainEvery} draws, so that CI logs stay readable.
 */
public final class ProgressBoard {

    private static final int WIDTH = 32;

    private final PrintStream out;
    private final boolean terminal;
    private final int plainEvery;
    private int drawn;
    private int linesOnScreen;
    private final Queue<String> notes = new ConcurrentLinkedQueue<>();

    public ProgressBoard(PrintStream out, boolean terminal, int plainEvery) {
        this.out = out;
        this.terminal = terminal;
        this.plainEvery = plainEvery;
    }

    public record Bar(String label, long value, long total) {
    }

    /** A line printed above the bars at the next draw (printing it directly would tear the redrawn board). */
    public void note(String line) {
        notes.add(line);
    }

    public void draw(List<Bar> bars, String footer) {
        drawn++;
        if (!terminal) {
            for (String note; (note = notes.poll()) != null; ) {
                out.println(note);
            }
            if (drawn % plainEvery == 1 || plainEvery == 1) {
                StringBuilder line = new StringBuilder();
                bars.forEach(b -> line.append(String.format("%s %,d/%,d  ", b.label(), b.value(), b.total())));
                out.println(line.append(footer));
            }
            return;
        }
        StringBuilder screen = new StringBuilder();
        if (linesOnScreen > 0) {
            screen.append("\033[").append(linesOnScreen).append('A');
        }
        for (String note; (note = notes.poll()) != null; ) {
            screen.append("\033[2K").append(note).append('\n');
        }
        for (Bar bar : bars) {
            double fraction = bar.total() <= 0 ? 0 : Math.min(1.0, bar.value() / (double) bar.total());
            int full = (int) Math.round(fraction * WIDTH);
            screen.append(String.format("\033[2K%-9s [%s%s] %,11d / %,d  %3.0f%%%n", bar.label(), "#".repeat(full),
                    ".".repeat(WIDTH - full), bar.value(), bar.total(), fraction * 100));
        }
        screen.append("\033[2K").append(footer).append('\n');
        out.print(screen);
        out.flush();
        linesOnScreen = bars.size() + 1;
    }
}
