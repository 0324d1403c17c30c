package ttl4j.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BenchHarnessTest {
    @Test
    void aSpreadIsTheMinMedianAndMaxAndItsRateTurnsThemAround() {
        BenchHarness.Spread s = BenchHarness.Spread.of(new double[] {0.4, 0.1, 0.2, 0.8});
        assertEquals(new BenchHarness.Spread(0.1, 0.30000000000000004, 0.8), s);
        BenchHarness.Spread r = BenchHarness.Spread.of(new double[] {2, 4, 1}).rate(8);
        assertEquals(new BenchHarness.Spread(2, 4, 8), r);
        assertEquals("4.00 (2.00-8.00)", r.text("%.2f"));
        assertEquals("\"x_s\":4.0,\"x_s_min\":2.0,\"x_s_max\":8.0", r.json("x_s", "%.1f"));
        assertEquals(new BenchHarness.Spread(10, 20, 40), BenchHarness.Spread.of(new double[] {1, 2, 4}).times(10));
    }
}
