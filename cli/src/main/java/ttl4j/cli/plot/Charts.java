package ttl4j.cli.plot;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * PNG charts drawn with Java2D and written with {@code javax.imageio}: bar charts of feature
 * importance, line charts (training curves, sweeps) and importance heat maps beside the mean input.
 */
public final class Charts {
    private Charts() {}

    static final Color[] PALETTE = {new Color(0x1F77B4), new Color(0xFF7F0E), new Color(0x2CA02C), new Color(0xD62728),
            new Color(0x9467BD), new Color(0x8C564B)};
    static final Color BAR = new Color(0x4C78A8), BAR_HIGHLIGHT = new Color(0xF58518);

    /** A line of a line chart; {@code y} may hold NaN (gaps). */
    public record Series(String name, double[] x, double[] y) {}

    public static final int BAR_WIDTH = 820, BAR_HEIGHT = 420;

    /**
     * Bars of {@code values} by index (feature index on x). {@code highlight} (may be null) marks bars
     * drawn in a second colour, explained by {@code highlightLegend} in a legend.
     */
    public static void bars(Path out, String title, String xLabel, String yLabel, double[] values, boolean[] highlight,
                            String highlightLegend) throws IOException {
        bars(out, title, xLabel, yLabel, values, highlight, highlightLegend, Double.NaN, null);
    }

    /**
     * As above, with a dashed horizontal line at {@code referenceY} (NaN: none) labelled
     * {@code referenceLabel}, e.g. the uniform share 1/n that a feature of no importance would get.
     */
    public static void bars(Path out, String title, String xLabel, String yLabel, double[] values, boolean[] highlight,
                            String highlightLegend, double referenceY, String referenceLabel) throws IOException {
        Canvas c = new Canvas(BAR_WIDTH, BAR_HEIGHT);
        int n = values.length;
        double max = Double.isFinite(referenceY) ? referenceY : 0;
        for (double v : values) if (v > max) max = v;
        Canvas.Axes a = c.axes(90, 50, BAR_WIDTH - 120, BAR_HEIGHT - 115, -0.5, n - 0.5, 0, Canvas.niceMax(max));
        a.frame(title, xLabel, yLabel, indexTicks(n), null);
        double bw = Math.max(1, (double) a.w / n * 0.8);
        for (int i = 0; i < n; i++) {
            boolean hl = highlight != null && highlight[i];
            c.g.setColor(hl ? BAR_HIGHLIGHT : BAR);
            double top = a.py(Math.max(0, values[i]));
            c.g.fill(new java.awt.geom.Rectangle2D.Double(a.px(i) - bw / 2, top, bw, a.py(0) - top));
        }
        if (highlight != null && highlightLegend != null) {
            List<double[]> pts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                for (double yy = a.py(Math.max(0, values[i])); yy <= a.py(0); yy += 4) {
                    for (double xx = a.px(i) - bw / 2; xx <= a.px(i) + bw / 2; xx += 4) pts.add(new double[] {xx, yy});
                }
            }
            legend(c, a, List.of(highlightLegend, "other"), List.of(BAR_HIGHLIGHT, BAR), true, pts);
        }
        if (Double.isFinite(referenceY)) {
            double yy = a.py(referenceY);
            c.g.setColor(Color.BLACK);
            c.g.setStroke(new java.awt.BasicStroke(1.4f, java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_MITER, 10f,
                    new float[] {6f, 4f}, 0f));
            c.g.draw(new java.awt.geom.Line2D.Double(a.px(-0.5), yy, a.px(n - 0.5), yy));
            c.g.setStroke(new java.awt.BasicStroke(1f));
            if (referenceLabel != null) c.text(referenceLabel, Canvas.LABEL, Color.BLACK, a.px(n - 0.5) - 4, yy - 4, 1, 1);
        }
        c.save(out);
    }

    public static final int LINE_WIDTH = 820, LINE_HEIGHT = 420;

    /** Lines with markers; {@code yMin}/{@code yMax} NaN: from the data (with a nice margin). */
    public static void lines(Path out, String title, String xLabel, String yLabel, List<Series> series, double yMin, double yMax)
            throws IOException {
        lines(out, title, xLabel, yLabel, series, yMin, yMax, Double.NaN, null);
    }

    /**
     * As above, with a dashed horizontal line at {@code referenceY} (NaN: none) labelled
     * {@code referenceLabel} at its right end, e.g. the precision a random ranking gets.
     */
    public static void lines(Path out, String title, String xLabel, String yLabel, List<Series> series, double yMin, double yMax,
                             double referenceY, String referenceLabel) throws IOException {
        Canvas c = new Canvas(LINE_WIDTH, LINE_HEIGHT);
        lineAxes(c, 90, 50, LINE_WIDTH - 120, LINE_HEIGHT - 115, title, xLabel, yLabel, series, yMin, yMax, referenceY, referenceLabel);
        c.save(out);
    }

    public static final int CURVES_WIDTH = 1100, CURVES_HEIGHT = 430;

    /** Loss and accuracy per epoch side by side (test points where present). */
    public static void curves(Path out, String title, double[] epoch, double[] trainLoss, double[] testLoss, double[] trainAcc,
                              double[] testAcc) throws IOException {
        curves(out, title, epoch, trainLoss, testLoss, trainAcc, testAcc, null, "test");
    }

    /**
     * Loss, accuracy and (when {@code lr} is not null) learning-rate panels per epoch. The loss is
     * drawn as log10 when it spans more than a factor of 20 (a decade and more: the late epochs would
     * otherwise be a flat line at the bottom); an evaluation measured only at some epochs (NaN
     * elsewhere) is drawn only there. {@code evalName} names the evaluated split ("test", "val").
     */
    public static void curves(Path out, String title, double[] epoch, double[] trainLoss, double[] testLoss, double[] trainAcc,
                              double[] testAcc, double[] lr, String evalName) throws IOException {
        Canvas c = new Canvas(CURVES_WIDTH, CURVES_HEIGHT);
        if (title != null) c.text(title, Canvas.TITLE, Color.BLACK, CURVES_WIDTH / 2.0, 10, 0.5, 0);
        int panels = lr != null ? 3 : 2, gap = 100;
        int pw = (CURVES_WIDTH - 120 - gap * panels) / panels, ph = CURVES_HEIGHT - 140;
        boolean log = spansDecades(trainLoss, testLoss);
        List<Series> loss = new ArrayList<>(), acc = new ArrayList<>();
        loss.add(new Series("train", epoch, log ? log10(trainLoss) : trainLoss));
        if (hasFinite(testLoss)) loss.add(new Series(evalName, epoch, log ? log10(testLoss) : testLoss));
        acc.add(new Series("train", epoch, percent(trainAcc)));
        if (hasFinite(testAcc)) acc.add(new Series(evalName, epoch, percent(testAcc)));
        lineAxes(c, 90, 75, pw, ph, log ? "Loss (cross-entropy, log10)" : "Loss (cross-entropy)", "epoch", log ? "log10 loss" : "loss",
                loss, log ? Double.NaN : 0, Double.NaN);
        lineAxes(c, 90 + pw + gap, 75, pw, ph, "Accuracy", "epoch", "accuracy (%)", acc, Double.NaN, Double.NaN);
        if (lr != null) {
            lineAxes(c, 90 + 2 * (pw + gap), 75, pw, ph, "Learning rate (at the epoch's last step)", "epoch", "lr",
                    List.of(new Series("", epoch, lr)), 0, Double.NaN);
        }
        c.save(out);
    }

    /** Whether the finite positive values of the arrays span more than a factor of 20. */
    static boolean spansDecades(double[]... xs) {
        double lo = Double.POSITIVE_INFINITY, hi = 0;
        for (double[] x : xs) {
            if (x == null) continue;
            for (double v : x) {
                if (Double.isFinite(v) && v > 0) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        return hi > 0 && hi / lo > 20;
    }

    private static double[] log10(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = x[i] > 0 ? Math.log10(x[i]) : Double.NaN;
        return y;
    }

    public static final int SWEEP_WIDTH = 900, SWEEP_HEIGHT = 520;

    /**
     * Accuracy (%) against compression on a log x axis: each series' points as markers joined by its
     * upper envelope (the best accuracy at that compression or more), {@code referenceY} (NaN: none)
     * as a horizontal line named {@code referenceLabel} with a dashed line {@code bandPoints} below it,
     * and a dashed vertical line at {@code markX} (NaN: none) named {@code markLabel}.
     */
    public static void sweep(Path out, String title, String xLabel, String yLabel, List<Series> series, double referenceY,
                             String referenceLabel, double bandPoints, double markX, String markLabel) throws IOException {
        Canvas c = new Canvas(SWEEP_WIDTH, SWEEP_HEIGHT);
        double xlo = Double.POSITIVE_INFINITY, xhi = Double.NEGATIVE_INFINITY, ylo = Double.POSITIVE_INFINITY, yhi = Double.NEGATIVE_INFINITY;
        for (Series sr : series) {
            for (int i = 0; i < sr.x().length; i++) {
                if (!Double.isFinite(sr.y()[i]) || !(sr.x()[i] > 0)) continue;
                xlo = Math.min(xlo, sr.x()[i]);
                xhi = Math.max(xhi, sr.x()[i]);
                ylo = Math.min(ylo, sr.y()[i]);
                yhi = Math.max(yhi, sr.y()[i]);
            }
        }
        if (Double.isFinite(referenceY)) {
            ylo = Math.min(ylo, referenceY - (Double.isFinite(bandPoints) ? bandPoints : 0));
            yhi = Math.max(yhi, referenceY);
        }
        if (Double.isFinite(markX) && markX > 0) {
            xlo = Math.min(xlo, markX);
            xhi = Math.max(xhi, markX);
        }
        if (!(xlo <= xhi)) {
            xlo = 1;
            xhi = 10;
        }
        if (!(ylo <= yhi)) {
            ylo = 0;
            yhi = 100;
        }
        double lx0 = Math.log10(xlo), lx1 = Math.log10(xhi);
        if (lx1 - lx0 < 0.3) {
            lx0 -= 0.15;
            lx1 += 0.15;
        }
        double pad = (lx1 - lx0) * 0.04;
        lx0 -= pad;
        lx1 += pad;
        double step = Canvas.niceStep(Math.max(1e-9, yhi - ylo) / 5);
        double lo = Math.floor(ylo / step) * step, hi = Math.ceil(yhi / step) * step;
        if (hi <= lo) hi = lo + step;
        Canvas.Axes a = c.axes(90, 50, SWEEP_WIDTH - 120, SWEEP_HEIGHT - 115, lx0, lx1, lo, hi);
        List<Double> ticks = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (int e = (int) Math.floor(lx0) - 1; e <= Math.ceil(lx1); e++) {
            for (int m : new int[] {1, 2, 5}) {
                double v = m * Math.pow(10, e), lv = Math.log10(v);
                if (lv < lx0 || lv > lx1) continue;
                ticks.add(lv);
                labels.add((v >= 1 ? String.valueOf((long) v) : String.valueOf(v)) + "x");
            }
        }
        a.frame(title, xLabel, yLabel, ticks.stream().mapToDouble(Double::doubleValue).toArray(), labels.toArray(new String[0]), null);
        List<String> names = new ArrayList<>();
        List<Color> colours = new ArrayList<>();
        List<double[]> pts = new ArrayList<>();
        java.awt.Stroke dashed = new java.awt.BasicStroke(1.6f, java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_MITER, 10f,
                new float[] {6f, 5f}, 0f);
        Color grey = new Color(0x555555);
        if (Double.isFinite(referenceY)) {
            c.line(a.x, a.py(referenceY), a.x + a.w, a.py(referenceY), grey, 2f);
            for (int t = 0; t <= 40; t++) pts.add(new double[] {a.x + a.w * t / 40.0, a.py(referenceY)});
            names.add(referenceLabel);
            colours.add(grey);
            if (Double.isFinite(bandPoints)) {
                c.g.setColor(grey);
                c.g.setStroke(dashed);
                c.g.draw(new java.awt.geom.Line2D.Double(a.x, a.py(referenceY - bandPoints), a.x + a.w, a.py(referenceY - bandPoints)));
                c.text(String.format(java.util.Locale.ROOT, "%.1f points below", bandPoints), Canvas.TICK, grey, a.x + 6,
                        a.py(referenceY - bandPoints) + 3, 0, 0);
            }
        }
        if (Double.isFinite(markX) && markX > 0) {
            double px = a.px(Math.log10(markX));
            // Black, not a palette colour: the series take those.
            c.g.setColor(Color.BLACK);
            c.g.setStroke(dashed);
            c.g.draw(new java.awt.geom.Line2D.Double(px, a.y, px, a.y + a.h));
            c.text(markLabel, Canvas.TICK, Color.BLACK, px + 4, a.y + 4, 0, 0);
            // The label is to stay visible: the legend avoids it as it avoids the data.
            for (int t = 0; t <= 8; t++) pts.add(new double[] {px + 4 + t * c.textWidth(markLabel, Canvas.TICK) / 8.0, a.y + 10});
        }
        for (int k = 0; k < series.size(); k++) {
            Series sr = series.get(k);
            Color col = PALETTE[k % PALETTE.length];
            Integer[] order = new Integer[sr.x().length];
            for (int i = 0; i < order.length; i++) order[i] = i;
            java.util.Arrays.sort(order, (p, q) -> Double.compare(sr.x()[q], sr.x()[p]));
            // Upper envelope, from the most compressed down: the best accuracy seen so far.
            double best = Double.NEGATIVE_INFINITY, qx = Double.NaN, qy = Double.NaN;
            for (int i : order) {
                if (!Double.isFinite(sr.y()[i]) || !(sr.x()[i] > 0)) continue;
                double px = a.px(Math.log10(sr.x()[i]));
                if (sr.y()[i] > best) {
                    best = sr.y()[i];
                    double py = a.py(best);
                    if (!Double.isNaN(qx)) {
                        c.line(qx, qy, px, qy, col, 1.6f);
                        c.line(px, qy, px, py, col, 1.6f);
                    }
                    qx = px;
                    qy = py;
                }
                double py = a.py(sr.y()[i]);
                pts.add(new double[] {px, py});
                c.g.setColor(col);
                c.g.fill(new java.awt.geom.Ellipse2D.Double(px - 4, py - 4, 8, 8));
            }
            names.add(sr.name());
            colours.add(col);
        }
        if (!names.isEmpty()) legend(c, a, names, colours, false, pts);
        c.save(out);
    }

    public static final int MAP_CELL_TARGET = 336;

    /**
     * Left: the outer product {@code rowImp o colImp} as an {@code h x w} heat map (the image's shape);
     * right (when {@code meanImage} is not null): the mean input image in grey, titled {@code meanTitle}.
     * Each with a colour bar.
     */
    public static void importanceMap(Path out, String title, double[] rowImp, double[] colImp, float[] meanImage, String meanTitle)
            throws IOException {
        int h = rowImp.length, w = colImp.length;
        if (meanImage != null && meanImage.length != h * w) {
            throw new IllegalArgumentException("mean image has " + meanImage.length + " values for a " + h + " x " + w + " map");
        }
        int cell = Math.max(1, MAP_CELL_TARGET / Math.max(h, w));
        int pw = cell * w, ph = cell * h;
        int panels = meanImage != null ? 2 : 1;
        int panelStride = 70 + pw + 110;
        int width = 20 + panels * panelStride, height = 80 + ph + 70;
        Canvas c = new Canvas(width, height);
        if (title != null) c.text(title, Canvas.TITLE, Color.BLACK, width / 2.0, 10, 0.5, 0);
        double[] heat = new double[h * w];
        for (int i = 0; i < h; i++) for (int j = 0; j < w; j++) heat[i * w + j] = rowImp[i] * colImp[j];
        matrixPanel(c, 90, 75, cell, h, w, heat, true, "importance: row x column share");
        if (meanImage != null) {
            double[] m = new double[h * w];
            for (int i = 0; i < m.length; i++) m[i] = meanImage[i];
            matrixPanel(c, 90 + panelStride, 75, cell, h, w, m, false, meanTitle);
        }
        c.save(out);
    }

    private static void matrixPanel(Canvas c, int x, int y, int cell, int h, int w, double[] v, boolean colour, String title) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double d : v) {
            if (d < lo) lo = d;
            if (d > hi) hi = d;
        }
        if (!(hi > lo)) hi = lo + 1;
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j++) {
                double t = (v[i * w + j] - lo) / (hi - lo);
                c.g.setColor(colour ? Canvas.colormap(t) : Canvas.gray(t));
                c.g.fillRect(x + j * cell, y + i * cell, cell, cell);
            }
        }
        Canvas.Axes a = c.axes(x, y, cell * w, cell * h, -0.5, w - 0.5, h - 0.5, -0.5);
        a.frameOnly(title, "column (mode 1)", "row (mode 0)", indexTicks(w), indexTicks(h));
        // Colour bar.
        int bx = x + cell * w + 14, bw = 14, bh = cell * h;
        for (int p = 0; p < bh; p++) {
            double t = 1 - (double) p / Math.max(1, bh - 1);
            c.g.setColor(colour ? Canvas.colormap(t) : Canvas.gray(t));
            c.g.fillRect(bx, y + p, bw, 1);
        }
        c.g.setColor(Canvas.AXIS);
        c.g.drawRect(bx, y, bw, bh);
        double[] ticks = Canvas.ticks(lo, hi, 5);
        for (double t : ticks) {
            double py = y + bh - (t - lo) / (hi - lo) * bh;
            c.line(bx + bw, py, bx + bw + 4, py, Canvas.AXIS, 1f);
            c.text(Canvas.fmt(t, ticks), Canvas.TICK, Canvas.AXIS, bx + bw + 7, py, 0, 0.5);
        }
    }

    private static void lineAxes(Canvas c, int x, int y, int w, int h, String title, String xLabel, String yLabel, List<Series> series,
                                 double yMin, double yMax) {
        lineAxes(c, x, y, w, h, title, xLabel, yLabel, series, yMin, yMax, Double.NaN, null);
    }

    private static void lineAxes(Canvas c, int x, int y, int w, int h, String title, String xLabel, String yLabel, List<Series> series,
                                 double yMin, double yMax, double referenceY, String referenceLabel) {
        double xlo = Double.POSITIVE_INFINITY, xhi = Double.NEGATIVE_INFINITY, ylo = Double.POSITIVE_INFINITY, yhi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                if (!Double.isFinite(s.y()[i])) continue;
                xlo = Math.min(xlo, s.x()[i]);
                xhi = Math.max(xhi, s.x()[i]);
                ylo = Math.min(ylo, s.y()[i]);
                yhi = Math.max(yhi, s.y()[i]);
            }
        }
        if (xlo > xhi) {
            xlo = 0;
            xhi = 1;
            ylo = 0;
            yhi = 1;
        }
        if (xhi == xlo) {
            xlo -= 0.5;
            xhi += 0.5;
        }
        if (Double.isFinite(referenceY)) {
            ylo = Math.min(ylo, referenceY);
            yhi = Math.max(yhi, referenceY);
        }
        double lo = Double.isNaN(yMin) ? ylo : yMin, hi = Double.isNaN(yMax) ? yhi : yMax;
        if (hi <= lo) hi = lo + (lo == 0 ? 1 : Math.abs(lo) * 0.1);
        double step = Canvas.niceStep((hi - lo) / 5);
        if (Double.isNaN(yMin)) lo = Math.floor(lo / step) * step;
        if (Double.isNaN(yMax)) hi = Math.ceil(hi / step) * step;
        if (hi <= lo) hi = lo + step;
        double padX = (xhi - xlo) * 0.03;
        Canvas.Axes a = c.axes(x, y, w, h, xlo - padX, xhi + padX, lo, hi);
        double[] xt = Canvas.ticks(xlo, xhi, Math.max(2, w / 80));
        if (xhi - xlo <= 12 && xlo == Math.rint(xlo) && xhi == Math.rint(xhi)) {
            xt = new double[(int) (xhi - xlo) + 1];
            for (int i = 0; i < xt.length; i++) xt[i] = xlo + i;
        }
        a.frame(title, xLabel, yLabel, xt, null);
        List<String> names = new ArrayList<>();
        List<Color> colours = new ArrayList<>();
        List<double[]> pts = new ArrayList<>();
        if (Double.isFinite(referenceY)) {
            double yy = a.py(referenceY);
            c.g.setColor(Color.BLACK);
            c.g.setStroke(new java.awt.BasicStroke(1.4f, java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_MITER, 10f,
                    new float[] {6f, 4f}, 0f));
            c.g.draw(new java.awt.geom.Line2D.Double(a.x, yy, a.x + a.w, yy));
            c.g.setStroke(new java.awt.BasicStroke(1f));
            if (referenceLabel != null) c.text(referenceLabel, Canvas.LABEL, Color.BLACK, a.x + a.w - 4, yy - 4, 1, 1);
            // The legend avoids the line and its label as it avoids the data.
            for (int t = 0; t <= 40; t++) pts.add(new double[] {a.x + a.w * t / 40.0, yy});
            if (referenceLabel != null) {
                int tw = c.textWidth(referenceLabel, Canvas.LABEL);
                for (int t = 0; t <= 8; t++) pts.add(new double[] {a.x + a.w - 4 - tw * t / 8.0, yy - 10});
            }
        }
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            Color col = PALETTE[k % PALETTE.length];
            double px = Double.NaN, py = Double.NaN;
            for (int i = 0; i < s.x().length; i++) {
                if (!Double.isFinite(s.y()[i])) {
                    px = Double.NaN;
                    continue;
                }
                double qx = a.px(s.x()[i]), qy = a.py(s.y()[i]);
                if (!Double.isNaN(px)) {
                    c.line(px, py, qx, qy, col, 2.2f);
                    // Points along the segment, so the legend avoids lines as well as markers.
                    for (int t = 1; t < 20; t++) pts.add(new double[] {px + (qx - px) * t / 20, py + (qy - py) * t / 20});
                }
                pts.add(new double[] {qx, qy});
                c.g.setColor(col);
                c.g.fill(new java.awt.geom.Ellipse2D.Double(qx - 3.5, qy - 3.5, 7, 7));
                px = qx;
                py = qy;
            }
            names.add(s.name());
            colours.add(col);
        }
        if (series.size() > 1 || !series.isEmpty() && !series.get(0).name().isEmpty()) legend(c, a, names, colours, false, pts);
    }

    /** A legend in the corner of the axes that covers the fewest of {@code points} (pixel x, y pairs). */
    private static void legend(Canvas c, Canvas.Axes a, List<String> names, List<Color> colours, boolean boxes, List<double[]> points) {
        int wMax = 0;
        for (String s : names) wMax = Math.max(wMax, c.textWidth(s, Canvas.LABEL));
        int lw = wMax + 42, lh = names.size() * 20 + 8;
        int[][] corners = {{a.x + a.w - lw - 8, a.y + 8}, {a.x + 8, a.y + 8}, {a.x + a.w - lw - 8, a.y + a.h - lh - 8},
                {a.x + 8, a.y + a.h - lh - 8}};
        int best = 0, bestHits = Integer.MAX_VALUE;
        for (int k = 0; k < corners.length; k++) {
            int hits = 0;
            for (double[] p : points) {
                if (p[0] >= corners[k][0] - 6 && p[0] <= corners[k][0] + lw + 6 && p[1] >= corners[k][1] - 6 && p[1] <= corners[k][1] + lh + 6) hits++;
            }
            if (hits < bestHits) {
                best = k;
                bestHits = hits;
            }
        }
        int lx = corners[best][0], ly = corners[best][1];
        c.g.setColor(new Color(255, 255, 255, 230));
        c.g.fillRect(lx, ly, lw, lh);
        c.g.setColor(Canvas.GRID.darker());
        c.g.drawRect(lx, ly, lw, lh);
        for (int i = 0; i < names.size(); i++) {
            int cy = ly + 14 + i * 20;
            if (boxes) {
                c.g.setColor(colours.get(i));
                c.g.fillRect(lx + 8, cy - 6, 20, 12);
            } else {
                c.line(lx + 8, cy, lx + 28, cy, colours.get(i), 2.2f);
            }
            c.text(names.get(i), Canvas.LABEL, Canvas.AXIS, lx + 34, cy, 0, 0.5);
        }
    }

    private static double[] indexTicks(int n) {
        if (n <= 16) {
            int step = n <= 10 ? 1 : 2;
            double[] t = new double[(n - 1) / step + 1];
            for (int i = 0; i < t.length; i++) t[i] = i * step;
            return t;
        }
        return Canvas.ticks(0, n - 1, 6);
    }

    private static boolean hasFinite(double[] v) {
        if (v == null) return false;
        for (double d : v) if (Double.isFinite(d)) return true;
        return false;
    }

    private static double[] percent(double[] v) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) r[i] = 100 * v[i];
        return r;
    }
}
