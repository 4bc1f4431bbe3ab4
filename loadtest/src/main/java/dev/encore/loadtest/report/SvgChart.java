package dev.encore.loadtest.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small inline-SVG chart: linear axes with ticks, labels and grid, line and bar series on a left or right axis,
 * vertical markers and a legend. Written out as text so that {@code report.html} needs no script, font or CDN.
 * Every text from outside is HTML-escaped. Not thread-safe; build and render on one thread.
 */
final class SvgChart {

    static final int WIDTH = 760;
    static final int HEIGHT = 300;
    private static final int LEFT = 64;
    private static final int RIGHT = 64;
    private static final int TOP = 34;
    private static final int BOTTOM = 46;
    /** Above this many bars, bars are drawn as one path without a tooltip each. */
    private static final int MAX_TITLED_BARS = 500;

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private String rightLabel;
    private boolean integerX;
    private boolean integerY;
    private final List<Series> series = new ArrayList<>();
    private final List<Marker> markers = new ArrayList<>();

    SvgChart(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /** Adds a right-hand axis for series added with {@code right = true}. */
    SvgChart rightAxis(String label) {
        this.rightLabel = label;
        return this;
    }

    /** Ticks on whole numbers only on the x axis (e.g. listener numbers). */
    SvgChart integerX() {
        this.integerX = true;
        return this;
    }

    /** Ticks on whole numbers only on the y axes (counts). */
    SvgChart integerY() {
        this.integerY = true;
        return this;
    }

    /** A polyline through (xs[i], ys[i]); a non-finite y breaks the line. */
    SvgChart line(String name, String color, double[] xs, double[] ys, boolean dashed, boolean right) {
        series.add(new Series(name, color, xs, null, ys, null, dashed, right));
        return this;
    }

    /** Bars from xs[i] to xEnds[i], height ys[i], with an optional tooltip each ({@code titles} may be null). */
    SvgChart bars(String name, String color, double[] xs, double[] xEnds, double[] ys, String[] titles, boolean right) {
        series.add(new Series(name, color, xs, xEnds, ys, titles, false, right));
        return this;
    }

    /** Two bar series side by side in each x span: the first in the left half, the second in the right half. */
    SvgChart pairedBars(String name1, String color1, double[] ys1, String name2, String color2, double[] ys2, double[] xs,
            double[] xEnds, boolean right) {
        int n = xs.length;
        double[] mid = new double[n];
        for (int i = 0; i < n; i++) {
            mid[i] = (xs[i] + xEnds[i]) / 2;
        }
        series.add(new Series(name1, color1, xs, mid, ys1, null, false, right));
        series.add(new Series(name2, color2, mid, xEnds, ys2, null, false, right));
        return this;
    }

    /** A vertical line at x, labelled. */
    SvgChart marker(String label, String color, double x) {
        markers.add(new Marker(label, color, x));
        return this;
    }

    String render() {
        StringBuilder b = new StringBuilder(4096);
        b.append("<svg class=\"chart\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT).append("\" role=\"img\" aria-label=\"")
                .append(Html.esc(title)).append("\">\n");
        text(b, LEFT, 18, "start", "title", title);
        double[] xr = xRange();
        double[] left = yRange(false);
        double[] right = yRange(true);
        int pw = WIDTH - LEFT - RIGHT;
        int ph = HEIGHT - TOP - BOTTOM;
        b.append("<rect class=\"plot\" x=\"").append(LEFT).append("\" y=\"").append(TOP).append("\" width=\"").append(pw)
                .append("\" height=\"").append(ph).append("\"/>\n");
        if (xr == null) {
            text(b, LEFT + pw / 2.0, TOP + ph / 2.0, "middle", "nodata", "no data");
            b.append("</svg>\n");
            return b.toString();
        }
        Scale x = new Scale(xr[0], xr[1], LEFT, LEFT + pw);
        double[] xt = ticks(xr[0], xr[1], 8, integerX ? 1 : 0);
        for (double t : xt) {
            double px = x.map(t);
            b.append("<line class=\"grid\" x1=\"").append(f(px)).append("\" y1=\"").append(TOP).append("\" x2=\"").append(f(px))
                    .append("\" y2=\"").append(TOP + ph).append("\"/>\n");
            text(b, px, TOP + ph + 16, "middle", "tick", label(t, xt));
        }
        Scale yl = axis(b, left, false, ph);
        Scale yr = rightLabel != null ? axis(b, right, true, ph) : yl;
        text(b, LEFT + pw / 2.0, HEIGHT - 8, "middle", "axis", xLabel);
        b.append("<text class=\"axis\" text-anchor=\"middle\" transform=\"translate(14,").append(f(TOP + ph / 2.0))
                .append(") rotate(-90)\">").append(Html.esc(yLabel)).append("</text>\n");
        if (rightLabel != null) {
            b.append("<text class=\"axis\" text-anchor=\"middle\" transform=\"translate(").append(WIDTH - 12).append(',')
                    .append(f(TOP + ph / 2.0)).append(") rotate(90)\">").append(Html.esc(rightLabel)).append("</text>\n");
        }
        for (Series s : series) {
            Scale y = s.right && rightLabel != null ? yr : yl;
            if (s.xEnds != null) {
                bars(b, s, x, y);
            } else {
                polyline(b, s, x, y);
            }
        }
        for (int i = 0; i < markers.size(); i++) {
            Marker m = markers.get(i);
            double px = x.map(m.x);
            b.append("<line class=\"marker\" stroke=\"").append(m.color).append("\" x1=\"").append(f(px)).append("\" y1=\"")
                    .append(TOP).append("\" x2=\"").append(f(px)).append("\" y2=\"").append(TOP + ph).append("\"/>\n");
            // labels stacked downwards; to the left of their line in the right half of the plot
            boolean leftOfLine = px > LEFT + pw / 2.0;
            b.append("<rect class=\"mbg\" x=\"").append(f(leftOfLine ? px - 3 - 6.2 * m.label.length() : px + 1)).append("\" y=\"")
                    .append(f(TOP + 4 + 15 * i)).append("\" width=\"").append(f(6.2 * m.label.length() + 2)).append("\" height=\"13\"/>\n");
            text(b, leftOfLine ? px - 3 : px + 3, TOP + 14 + 15 * i, leftOfLine ? "end" : "start", "mlabel", m.label);
        }
        legend(b);
        b.append("</svg>\n");
        return b.toString();
    }

    private Scale axis(StringBuilder b, double[] range, boolean right, int ph) {
        double[] t = ticks(range[0], range[1], 5, integerY ? 1 : 0);
        double top = t.length > 0 ? Math.max(range[1], t[t.length - 1]) : range[1];
        Scale y = new Scale(range[0], top, TOP + ph, TOP);
        for (double v : t) {
            double py = y.map(v);
            if (!right) {
                b.append("<line class=\"grid\" x1=\"").append(LEFT).append("\" y1=\"").append(f(py)).append("\" x2=\"")
                        .append(WIDTH - RIGHT).append("\" y2=\"").append(f(py)).append("\"/>\n");
            }
            double px = right ? WIDTH - RIGHT + 6 : LEFT - 6;
            text(b, px, py + 4, right ? "start" : "end", "tick", label(v, t));
        }
        return y;
    }

    private static void polyline(StringBuilder b, Series s, Scale x, Scale y) {
        StringBuilder d = new StringBuilder();
        boolean pen = false;
        for (int i = 0; i < s.xs.length; i++) {
            if (!Double.isFinite(s.ys[i]) || !Double.isFinite(s.xs[i])) {
                pen = false;
                continue;
            }
            d.append(pen ? 'L' : 'M').append(f(x.map(s.xs[i]))).append(' ').append(f(y.map(s.ys[i])));
            pen = true;
        }
        if (d.length() == 0) {
            return;
        }
        b.append("<path class=\"line\" fill=\"none\" stroke=\"").append(s.color).append('"');
        if (s.dashed) {
            b.append(" stroke-dasharray=\"6 4\"");
        }
        b.append(" d=\"").append(d).append("\"><title>").append(Html.esc(s.name)).append("</title></path>\n");
    }

    private static void bars(StringBuilder b, Series s, Scale x, Scale y) {
        boolean titled = s.titles != null && s.xs.length <= MAX_TITLED_BARS;
        StringBuilder d = new StringBuilder();
        for (int i = 0; i < s.xs.length; i++) {
            if (!Double.isFinite(s.ys[i]) || s.ys[i] <= y.min) {
                continue;
            }
            double x0 = x.map(s.xs[i]);
            double w = Math.max(x.map(s.xEnds[i]) - x0, 0.5);
            double y0 = y.map(s.ys[i]);
            double h = Math.max(y.map(y.min) - y0, 0.5);
            if (titled) {
                b.append("<rect class=\"bar\" fill=\"").append(s.color).append("\" x=\"").append(f(x0)).append("\" y=\"").append(f(y0))
                        .append("\" width=\"").append(f(w)).append("\" height=\"").append(f(h)).append("\"><title>")
                        .append(Html.esc(s.titles[i])).append("</title></rect>\n");
            } else {
                d.append('M').append(f(x0)).append(' ').append(f(y0)).append('h').append(f(w)).append('v').append(f(h))
                        .append('h').append(f(-w)).append('z');
            }
        }
        if (d.length() > 0) {
            b.append("<path class=\"bar\" fill=\"").append(s.color).append("\" d=\"").append(d).append("\"><title>")
                    .append(Html.esc(s.name)).append("</title></path>\n");
        }
    }

    private void legend(StringBuilder b) {
        double px = WIDTH - RIGHT;
        // right-aligned, laid out from the right edge leftwards with a rough width per character
        StringBuilder out = new StringBuilder();
        for (int i = series.size() - 1; i >= 0; i--) {
            Series s = series.get(i);
            double w = 16 + 6.5 * s.name.length();
            px -= w + 12;
            out.append("<rect x=\"").append(f(px)).append("\" y=\"8\" width=\"12\" height=\"12\" fill=\"").append(s.color)
                    .append("\"/>\n");
            text(out, px + 16, 18, "start", "legend", s.name);
        }
        b.append(out);
    }

    private double[] xRange() {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.xs.length; i++) {
                if (Double.isFinite(s.xs[i]) && Double.isFinite(s.ys[i])) {
                    min = Math.min(min, s.xs[i]);
                    max = Math.max(max, s.xEnds != null ? s.xEnds[i] : s.xs[i]);
                }
            }
        }
        if (min > max) {
            return null;
        }
        return max > min ? new double[] {min, max} : new double[] {min - 0.5, max + 0.5};
    }

    private double[] yRange(boolean right) {
        double max = 0;
        for (Series s : series) {
            if (s.right == right || rightLabel == null && !right) {
                for (double v : s.ys) {
                    if (Double.isFinite(v)) {
                        max = Math.max(max, v);
                    }
                }
            }
        }
        return new double[] {0, max > 0 ? max : 1};
    }

    /**
     * "Nice" ticks (1, 2 or 5 times a power of ten, at least {@code minStep} apart) from min to max; when min is 0 (a y
     * axis) the last tick is the first one at or above max.
     */
    static double[] ticks(double min, double max, int target, double minStep) {
        double range = max - min;
        if (!(range > 0)) {
            return new double[] {min};
        }
        double raw = range / target;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double norm = raw / mag;
        double step = Math.max((norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag, minStep);
        double first = Math.ceil(min / step - 1e-9) * step;
        double last = Math.ceil(max / step - 1e-9) * step;
        if (min == 0 && last > max) {
            // a y axis from 0: let the axis reach the tick above the data
            int n = (int) Math.round((last - first) / step) + 1;
            double[] out = new double[n];
            for (int i = 0; i < n; i++) {
                out[i] = first + i * step;
            }
            return out;
        }
        int n = (int) Math.floor((max - first) / step + 1e-9) + 1;
        double[] out = new double[Math.max(n, 1)];
        for (int i = 0; i < out.length; i++) {
            out[i] = first + i * step;
        }
        return out;
    }

    private static String label(double v, double[] ticks) {
        double step = ticks.length > 1 ? ticks[1] - ticks[0] : 1;
        int decimals = step >= 1 ? 0 : (int) Math.ceil(-Math.log10(step) - 1e-9);
        if (decimals == 0 && Math.abs(v) >= 10_000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static void text(StringBuilder b, double x, double y, String anchor, String cls, String text) {
        b.append("<text class=\"").append(cls).append("\" x=\"").append(f(x)).append("\" y=\"").append(f(y))
                .append("\" text-anchor=\"").append(anchor).append("\">").append(Html.esc(text)).append("</text>\n");
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private record Series(String name, String color, double[] xs, double[] xEnds, double[] ys, String[] titles, boolean dashed,
            boolean right) {
    }

    private record Marker(String label, String color, double x) {
    }

    /** Data [min, max] to pixels [from, to]. */
    private record Scale(double min, double max, double from, double to) {
        double map(double v) {
            double span = max - min;
            return span == 0 ? from : from + (v - min) / span * (to - from);
        }
    }
}
