package dev.encore.loadtest.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SvgChartTest {

    @Test
    void ticksAreNiceAndAYAxisFromZeroReachesPastTheData() {
        assertThat(SvgChart.ticks(0, 47, 5, 0)).containsExactly(0, 10, 20, 30, 40, 50);
        assertThat(SvgChart.ticks(0, 4, 5, 1)).containsExactly(0, 1, 2, 3, 4);
        assertThat(SvgChart.ticks(0, 0.9, 5, 1)).containsExactly(0, 1);
        assertThat(SvgChart.ticks(0.5, 9.5, 8, 0)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(SvgChart.ticks(3, 3, 5, 0)).containsExactly(3);
    }

    @Test
    void aLineBreaksAtMissingValuesAndTextIsEscaped() {
        String svg = new SvgChart("a <b>", "x", "y").line("s&p", "#000", new double[] {0, 1, 2, 3},
                new double[] {1, Double.NaN, 2, 3}, false, false).render();
        assertThat(svg).startsWith("<svg").endsWith("</svg>\n").contains("a &lt;b&gt;").contains("s&amp;p")
                .doesNotContain("NaN");
        String path = svg.substring(svg.indexOf(" d=\"") + 4, svg.indexOf('"', svg.indexOf(" d=\"") + 4));
        assertThat(path.chars().filter(c -> c == 'M').count()).isEqualTo(2);
        assertThat(path.chars().filter(c -> c == 'L').count()).isEqualTo(1);
    }

    @Test
    void manyBarsBecomeOnePathAndFewKeepATooltipEach() {
        double[] x = new double[600];
        double[] end = new double[600];
        double[] y = new double[600];
        String[] titles = new String[600];
        for (int i = 0; i < 600; i++) {
            x[i] = i;
            end[i] = i + 1;
            y[i] = i % 3;
            titles[i] = "L" + i;
        }
        String many = new SvgChart("t", "x", "y").bars("loss", "#f00", x, end, y, titles, false).render();
        assertThat(many).doesNotContain("<title>L1</title>").contains("<title>loss</title>");
        String few = new SvgChart("t", "x", "y").bars("loss", "#f00", new double[] {0, 1}, new double[] {1, 2},
                new double[] {1, 2}, new String[] {"L0", "L1"}, false).render();
        assertThat(few).contains("<title>L0</title>", "<title>L1</title>");
    }
}
