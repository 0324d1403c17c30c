package ttl4j.nn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ttl4j.engine.Engine;
import ttl4j.engine.Kernels;
import ttl4j.engine.Tensor;

/**
 * Stochastic gradient descent as PyTorch's {@code SGD} (dampening 0):
 * {@code g = grad + wd w; v = mu v + g; w -= lr (nesterov ? g + mu v : v)}, or {@code w -= lr g}
 * without momentum. The momentum buffer starts at zero, which equals PyTorch's first step
 * {@code v = g}. Weight decay is applied to every parameter. The gradient is modified in place.
 */
public final class Sgd extends Optimizer {
    private final float momentum, weightDecay;
    private final boolean nesterov;

    public Sgd(double momentum, boolean nesterov, double weightDecay) {
        if (momentum < 0 || momentum >= 1) throw new IllegalArgumentException("sgd: momentum must be in [0, 1), got " + momentum);
        if (weightDecay < 0) throw new IllegalArgumentException("sgd: weight decay must be >= 0, got " + weightDecay);
        if (nesterov && momentum == 0) throw new IllegalArgumentException("sgd: nesterov needs a momentum > 0");
        this.momentum = (float) momentum;
        this.nesterov = nesterov;
        this.weightDecay = (float) weightDecay;
    }

    /** Plain SGD. */
    public Sgd() {
        this(0, false, 0);
    }

    @Override
    public String name() {
        return "sgd";
    }

    @Override
    public Map<String, String> hyperParameters() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("momentum", Float.toString(momentum));
        m.put("nesterov", Boolean.toString(nesterov));
        m.put("weight_decay", Float.toString(weightDecay));
        return m;
    }

    @Override
    protected List<String> slots() {
        return momentum > 0 ? List.of("momentum") : List.of();
    }

    @Override
    protected void update(Param p, float lr) {
        Kernels k = Engine.kernels();
        Tensor w = p.value(), g = p.grad();
        int n = w.size();
        if (weightDecay != 0) k.axpy(n, weightDecay, w.data(), w.offset(), g.data(), g.offset());
        if (momentum == 0) {
            k.axpy(n, -lr, g.data(), g.offset(), w.data(), w.offset());
            return;
        }
        Tensor v = slot(p, "momentum");
        k.scale(n, momentum, v.data(), v.offset(), v.data(), v.offset());
        k.add(n, v.data(), v.offset(), g.data(), g.offset(), v.data(), v.offset());
        if (nesterov) {
            k.axpy(n, momentum, v.data(), v.offset(), g.data(), g.offset());
            k.axpy(n, -lr, g.data(), g.offset(), w.data(), w.offset());
        } else {
            k.axpy(n, -lr, v.data(), v.offset(), w.data(), w.offset());
        }
    }
}
