package ttl4j.engine.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void numbersThatJsonCannotHoldBecomeNull() throws Exception {
        assertEquals("0.123457", Json.number(0.1234567, 6));
        assertEquals("-2.50", Json.number(-2.5, 2));
        assertEquals("null", Json.number(Double.NaN, 6));
        assertEquals("null", Json.number(Double.POSITIVE_INFINITY, 3));
        assertEquals("null", Json.number(Double.NEGATIVE_INFINITY, 0));
        // What the writer produces parses back.
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("loss", null);
        m.put("xs", List.of(1L, "a"));
        String text = "{\"loss\":" + Json.number(Double.NaN, 6) + ",\"xs\":[1,\"a\"]}";
        assertEquals(m, Json.parse(text));
        assertThrows(IllegalArgumentException.class, () -> Json.write(Double.NaN));
    }
}
