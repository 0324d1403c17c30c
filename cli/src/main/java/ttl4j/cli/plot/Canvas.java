package ttl4j.cli.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;

/** A white RGB image with antialiased Java2D text and lines, and the axis furniture every chart shares. */
final class Canvas {
    static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 16);
    static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    static final Font TICK = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    static final Color AXIS = new Color(0x33, 0x33, 0x33);
    static final Color GRID = new Color(0xE4, 0xE4, 0xE4);

    final BufferedImage image;
    final Graphics2D g;

    Canvas(int width, int height) {
        // Charts are drawn on servers without a display.
        System.setProperty("java.awt.headless", "true");
        image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
    }

    void save(Path file) throws IOException {
        g.dispose();
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        if (!ImageIO.write(image, "png", file.toFile())) throw new IOException("no PNG writer available for " + file);
    }

    /** Text anchored at (x, y): {@code ax}, {@code ay} in [0, 1] choose which point of the text box sits there. */
    void text(String s, Font f, Color c, double x, double y, double ax, double ay) {
        g.setFont(f);
        g.setColor(c);
        FontMetrics fm = g.getFontMetrics();
        int w = fm.stringWidth(s);
        int h = fm.getAscent() + fm.getDescent();
        g.drawString(s, (float) (x - ax * w), (float) (y - ay * h + fm.getAscent()));
    }

    /** Text rotated a quarter turn anticlockwise, centred at (x, y) (for y-axis labels). */
    void verticalText(String s, Font f, Color c, double x, double y) {
        AffineTransform old = g.getTransform();
        g.translate(x, y);
        g.rotate(-Math.PI / 2);
        text(s, f, c, 0, 0, 0.5, 0.5);
        g.setTransform(old);
    }

    int textWidth(String s, Font f) {
        return g.getFontMetrics(f).stringWidth(s);
    }

    void line(double x0, double y0, double x1, double y1, Color c, float width) {
        g.setColor(c);
        g.setStroke(new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(new java.awt.geom.Line2D.Double(x0, y0, x1, y1));
    }

    /** A plotting area: pixel rectangle {@code (x, y, w, h)} showing data range {@code [x0, x1] x [y0, y1]}. */
    final class Axes {
        final int x, y, w, h;
        final double x0, x1, y0, y1;

        Axes(int x, int y, int w, int h, double x0, double x1, double y0, double y1) {
            this.x = x;
            this.y = y;
            this.w = w;
            this.h = h;
            this.x0 = x0;
            this.x1 = x1 == x0 ? x0 + 1 : x1;
            this.y0 = y0;
            this.y1 = y1 == y0 ? y0 + 1 : y1;
        }

        double px(double v) {
            return x + (v - x0) / (x1 - x0) * w;
        }

        double py(double v) {
            return y + h - (v - y0) / (y1 - y0) * h;
        }

        /** Grid, frame, tick labels, axis labels and title. {@code xTicks}/{@code yTicks} null: chosen automatically. */
        void frame(String title, String xLabel, String yLabel, double[] xTicks, double[] yTicks) {
            frame(title, xLabel, yLabel, xTicks, null, yTicks);
        }

        /** As {@link #frame(String, String, String, double[], double[])} with the x ticks labelled by {@code xTickLabels} (null: their values). */
        void frame(String title, String xLabel, String yLabel, double[] xTicks, String[] xTickLabels, double[] yTicks) {
            double[] xt = xTicks != null ? xTicks : ticks(x0, x1, Math.max(2, w / 80));
            double[] yt = yTicks != null ? yTicks : ticks(y0, y1, Math.max(2, h / 50));
            for (double v : yt) line(x, py(v), x + w, py(v), GRID, 1f);
            for (double v : xt) line(px(v), y, px(v), y + h, GRID, 1f);
            frameOnly(title, xLabel, yLabel, xt, xTickLabels, yt);
        }

        /** As {@link #frame} without the grid (for images). */
        void frameOnly(String title, String xLabel, String yLabel, double[] xt, double[] yt) {
            frameOnly(title, xLabel, yLabel, xt, null, yt);
        }

        private void frameOnly(String title, String xLabel, String yLabel, double[] xt, String[] xLabels, double[] yt) {
            g.setColor(AXIS);
            g.setStroke(new BasicStroke(1f));
            g.drawRect(x, y, w, h);
            int maxYLabel = 0;
            for (int i = 0; i < xt.length; i++) {
                double v = xt[i];
                line(px(v), y + h, px(v), y + h + 4, AXIS, 1f);
                text(xLabels != null ? xLabels[i] : fmt(v, xt), TICK, AXIS, px(v), y + h + 6, 0.5, 0);
            }
            for (double v : yt) {
                line(x - 4, py(v), x, py(v), AXIS, 1f);
                String s = fmt(v, yt);
                maxYLabel = Math.max(maxYLabel, textWidth(s, TICK));
                text(s, TICK, AXIS, x - 7, py(v), 1, 0.5);
            }
            if (title != null) text(title, TITLE, Color.BLACK, x + w / 2.0, y - 12, 0.5, 1);
            if (xLabel != null) text(xLabel, LABEL, AXIS, x + w / 2.0, y + h + 24, 0.5, 0);
            if (yLabel != null) verticalText(yLabel, LABEL, AXIS, x - 16 - maxYLabel, y + h / 2.0);
        }
    }

    Axes axes(int x, int y, int w, int h, double x0, double x1, double y0, double y1) {
        return new Axes(x, y, w, h, x0, x1, y0, y1);
    }

    /** Round tick values ("nice numbers": steps of 1, 2 or 5 times a power of ten) covering [lo, hi]. */
    static double[] ticks(double lo, double hi, int target) {
        if (!(hi > lo)) return new double[] {lo};
        double step = niceStep((hi - lo) / Math.max(1, target));
        double first = Math.ceil(lo / step - 1e-9) * step;
        int n = (int) Math.floor((hi - first) / step + 1e-9) + 1;
        double[] t = new double[Math.max(1, n)];
        for (int i = 0; i < t.length; i++) t[i] = Math.abs(first + i * step) < step * 1e-9 ? 0 : first + i * step;
        return t;
    }

    static double niceStep(double raw) {
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / p;
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
    }

    /** Upper end of a nice range starting at zero (for bars). */
    static double niceMax(double max) {
        if (!(max > 0)) return 1;
        double step = niceStep(max / 5);
        return Math.ceil(max / step - 1e-9) * step;
    }

    /** A tick label with as many decimals as the tick spacing needs. */
    static String fmt(double v, double[] ticks) {
        double step = ticks.length > 1 ? Math.abs(ticks[1] - ticks[0]) : Math.abs(v);
        if (step == 0) return "0";
        if (step >= 1 && Math.abs(v) < 1e6) return String.format(Locale.ROOT, "%d", Math.round(v));
        if (step < 1e-3 || Math.abs(v) >= 1e6) return String.format(Locale.ROOT, "%.1e", v);
        int dec = (int) Math.ceil(-Math.log10(step) - 1e-9);
        return String.format(Locale.ROOT, "%." + dec + "f", v);
    }

    /** Perceptually ordered colour for {@code t} in [0, 1] (dark blue through green to yellow, after viridis). */
    static Color colormap(double t) {
        double[][] stops = {{0.267, 0.005, 0.329}, {0.229, 0.322, 0.545}, {0.128, 0.567, 0.551}, {0.369, 0.789, 0.383},
                {0.993, 0.906, 0.144}};
        double u = Math.max(0, Math.min(1, Double.isNaN(t) ? 0 : t)) * (stops.length - 1);
        int i = Math.min(stops.length - 2, (int) u);
        double f = u - i;
        float[] c = new float[3];
        for (int k = 0; k < 3; k++) c[k] = (float) (stops[i][k] + f * (stops[i + 1][k] - stops[i][k]));
        return new Color(c[0], c[1], c[2]);
    }

    static Color gray(double t) {
        float v = (float) Math.max(0, Math.min(1, Double.isNaN(t) ? 0 : t));
        return new Color(v, v, v);
    }
}
