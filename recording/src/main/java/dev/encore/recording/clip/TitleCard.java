package dev.encore.recording.clip;

import java.awt.AlphaComposite;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;

/**
 * The clip's picture: the show's cover (scaled to fill, centre-cropped) or a generated gradient, the show title, song and
 * performer, and a level meter that moves with the music. Drawn with Java2D (headless) and converted to the YUV 4:2:0
 * planes JCodec's H.264 encoder takes.
 *
 * <p>Not thread-safe: one render, one thread.
 */
final class TitleCard {
    private static final Color ACCENT = new Color(0xFF, 0xB3, 0x47);
    private static final int METER_BARS = 48;

    private final int width;
    private final int height;
    private final BufferedImage base;
    private final BufferedImage frame;
    private final int[] rgb;

    TitleCard(int width, int height, BufferedImage cover, String showTitle, String songTitle, String performer) {
        this.width = width;
        this.height = height;
        this.base = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        this.frame = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        this.rgb = new int[width * height];
        drawBase(cover, showTitle, songTitle, performer);
    }

    private void drawBase(BufferedImage cover, String showTitle, String songTitle, String performer) {
        Graphics2D g = base.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            if (cover != null) {
                // Fill the frame, keep the aspect ratio, crop what sticks out (centred).
                double scale = Math.max(width / (double) cover.getWidth(), height / (double) cover.getHeight());
                int w = (int) Math.ceil(cover.getWidth() * scale);
                int h = (int) Math.ceil(cover.getHeight() * scale);
                g.drawImage(cover, (width - w) / 2, (height - h) / 2, w, h, null);
                // Darken the lower part so the text reads on any cover.
                g.setPaint(new GradientPaint(0, height * 0.35f, new Color(0, 0, 0, 0), 0, height, new Color(0, 0, 0, 200)));
                g.fillRect(0, 0, width, height);
            } else {
                g.setPaint(new GradientPaint(0, 0, new Color(0x2B, 0x10, 0x55), width, height, new Color(0x0B, 0x3D, 0x6B)));
                g.fillRect(0, 0, width, height);
            }
            float unit = height / 360f;
            int left = Math.round(28 * unit);
            int maxWidth = width - 2 * left;
            int y = Math.round(height * 0.50f);
            y = drawLine(g, showTitle, new Font(Font.SANS_SERIF, Font.BOLD, Math.round(34 * unit)), Color.WHITE, left, y,
                    maxWidth);
            y = drawLine(g, songTitle, new Font(Font.SANS_SERIF, Font.PLAIN, Math.round(26 * unit)), ACCENT, left, y,
                    maxWidth);
            drawLine(g, performer, new Font(Font.SANS_SERIF, Font.ITALIC, Math.round(22 * unit)), new Color(0xDD, 0xDD, 0xDD),
                    left, y, maxWidth);
        } finally {
            g.dispose();
        }
    }

    /** Draws one line of text (shortened with an ellipsis to fit) with a soft shadow; returns the next baseline. */
    private static int drawLine(Graphics2D g, String text, Font font, Color color, int x, int y, int maxWidth) {
        if (text == null || text.isBlank()) {
            return y;
        }
        g.setFont(font);
        FontMetrics fm = g.getFontMetrics();
        String s = text.strip();
        if (fm.stringWidth(s) > maxWidth) {
            while (!s.isEmpty() && fm.stringWidth(s + "…") > maxWidth) {
                s = s.substring(0, s.length() - 1);
            }
            s = s.strip() + "…";
        }
        int baseline = y + fm.getAscent();
        g.setColor(new Color(0, 0, 0, 160));
        g.drawString(s, x + 2, baseline + 2);
        g.setColor(color);
        g.drawString(s, x, baseline);
        return baseline + fm.getDescent() + fm.getLeading() + Math.max(2, fm.getHeight() / 6);
    }

    /**
     * Draws frame {@code index}: the card plus a level meter of {@code levels[0..index]} (0..1), the newest at the right.
     */
    BufferedImage frame(double[] levels, int index) {
        Graphics2D g = frame.createGraphics();
        try {
            g.drawImage(base, 0, 0, null);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            float unit = height / 360f;
            int left = Math.round(28 * unit);
            int meterWidth = width - 2 * left;
            int meterHeight = Math.round(44 * unit);
            int bottom = height - Math.round(18 * unit);
            int slot = Math.max(2, meterWidth / METER_BARS);
            int bar = Math.max(1, slot * 2 / 3);
            g.setComposite(AlphaComposite.SrcOver);
            for (int i = 0; i < METER_BARS; i++) {
                int idx = index + 1 - METER_BARS + i;
                double level = idx >= 0 ? clamp(levels[idx]) : 0;
                int h = Math.max(Math.round(2 * unit), (int) Math.round(level * meterHeight));
                g.setColor(i == METER_BARS - 1 ? Color.WHITE : new Color(ACCENT.getRed(), ACCENT.getGreen(), ACCENT.getBlue(),
                        110 + 145 * i / METER_BARS));
                g.fillRect(left + i * slot, bottom - h, bar, h);
            }
        } finally {
            g.dispose();
        }
        return frame;
    }

    private static double clamp(double v) {
        return Double.isNaN(v) ? 0 : Math.max(0, Math.min(1, v));
    }

    /**
     * Converts an RGB image into {@code out}'s 4:2:0 planes with BT.601 studio-swing coefficients (Y 16..235, chroma
     * 16..240, what players assume for H.264 without colour signalling). JCodec keeps 8-bit samples as {@code value - 128}.
     */
    void toPicture(BufferedImage image, Picture out) {
        image.getRGB(0, 0, width, height, rgb, 0, width);
        byte[] y = out.getPlaneData(0);
        byte[] u = out.getPlaneData(1);
        byte[] v = out.getPlaneData(2);
        int cw = width / 2;
        for (int row = 0; row < height; row += 2) {
            for (int col = 0; col < width; col += 2) {
                int sumR = 0;
                int sumG = 0;
                int sumB = 0;
                for (int dy = 0; dy < 2; dy++) {
                    for (int dx = 0; dx < 2; dx++) {
                        int p = rgb[(row + dy) * width + col + dx];
                        int r = (p >> 16) & 0xFF;
                        int gr = (p >> 8) & 0xFF;
                        int b = p & 0xFF;
                        sumR += r;
                        sumG += gr;
                        sumB += b;
                        int luma = (66 * r + 129 * gr + 25 * b + 128 >> 8) + 16;
                        y[(row + dy) * width + col + dx] = (byte) (luma - 128);
                    }
                }
                int r = sumR >> 2;
                int gr = sumG >> 2;
                int b = sumB >> 2;
                int cb = (-38 * r - 74 * gr + 112 * b + 128 >> 8) + 128;
                int cr = (112 * r - 94 * gr - 18 * b + 128 >> 8) + 128;
                u[(row / 2) * cw + col / 2] = (byte) (cb - 128);
                v[(row / 2) * cw + col / 2] = (byte) (cr - 128);
            }
        }
    }

    Picture newPicture() {
        return Picture.create(width, height, ColorSpace.YUV420J);
    }
}
