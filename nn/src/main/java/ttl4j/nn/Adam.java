package ttl4j.nn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ttl4j.engine.Tensor;

/**
 * Adam and AdamW as in PyTorch: {@code m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
 * w -= (lr / (1 - b1^t)) m / (sqrt(v) / sqrt(1 - b2^t) + eps)}. Adam adds weight decay to the
 * gradient ({@code g = grad + wd w}); AdamW decays the weight directly ({@code w *= 1 - lr wd})
 * before the update.
 */
public final class Adam extends Optimizer {
    private final float beta1, beta2, eps, weightDecay;
    private final boolean decoupled;

    private Adam(double beta1, double beta2, double eps, double weightDecay, boolean decoupled) {
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("adam: betas must be in [0, 1), got " + beta1 + ", " + beta2);
        }
        if (!(eps > 0)) throw new IllegalArgumentException("adam: eps must be > 0, got " + eps);
        if (weightDecay < 0) throw new IllegalArgumentException("adam: weight decay must be >= 0, got " + weightDecay);
        this.beta1 = (float) beta1;
        this.beta2 = (float) beta2;
        this.eps = (float) eps;
        this.weightDecay = (float) weightDecay;
        this.decoupled = decoupled;
    }

    /** Adam with L2 weight decay added to the gradient. */
    public static Adam adam(double beta1, double beta2, double eps, double weightDecay) {
        return new Adam(beta1, beta2, eps, weightDecay, false);
    }

    /** Adam with PyTorch's defaults (0.9, 0.999, 1e-8, no decay). */
    public static Adam adam() {
        return adam(0.9, 0.999, 1e-8, 0);
    }

    /** AdamW: decoupled weight decay. */
    public static Adam adamW(double beta1, double beta2, double eps, double weightDecay) {
        return new Adam(beta1, beta2, eps, weightDecay, true);
    }

    @Override
    public String name() {
        return decoupled ? "adamw" : "adam";
    }

    @Override
    public Map<String, String> hyperParameters() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("beta1", Float.toString(beta1));
        m.put("beta2", Float.toString(beta2));
        m.put("eps", Float.toString(eps));
        m.put("weight_decay", Float.toString(weightDecay));
        return m;
    }

    @Override
    protected List<String> slots() {
        return List.of("m", "v");
    }

    @Override
    protected void update(Param p, float lr) {
        Tensor w = p.value(), g = p.grad(), mt = slot(p, "m"), vt = slot(p, "v");
        float[] wd = w.data(), gd = g.data(), md = mt.data(), vd = vt.data();
        int wo = w.offset(), go = g.offset(), mo = mt.offset(), vo = vt.offset(), n = w.size();
        double bc1 = 1 - Math.pow(beta1, steps), bc2 = 1 - Math.pow(beta2, steps);
        float stepSize = (float) (lr / bc1);
        float invSqrtBc2 = (float) (1 / Math.sqrt(bc2));
        float b1 = beta1, b2 = beta2, ob1 = 1 - beta1, ob2 = 1 - beta2, e = eps;
        float l2 = decoupled ? 0f : weightDecay;
        float shrink = decoupled ? 1f - lr * weightDecay : 1f;
        for (int i = 0; i < n; i++) {
            float gi = gd[go + i] + l2 * wd[wo + i];
            float m = b1 * md[mo + i] + ob1 * gi;
            float v = b2 * vd[vo + i] + ob2 * gi * gi;
            md[mo + i] = m;
            vd[vo + i] = v;
            float denom = (float) Math.sqrt(v) * invSqrtBc2 + e;
            wd[wo + i] = wd[wo + i] * shrink - stepSize * m / denom;
        }
    }
}
