package ttl4j.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ttl4j.engine.Tensor;

/**
 * Layers applied in order. Parameter names are {@code layers.<i>.<name>} with {@code i} counting
 * every layer (activations included), as in a PyTorch module holding an {@code nn.Sequential}
 * called {@code layers}, so a state dict maps one to one.
 */
public final class Sequential implements Layer {
    private final List<Layer> layers;
    private final List<Param> params;
    /**
     * When set, each layer's forward and backward are timed into it under {@code forward <kind>} /
     * {@code backward <kind>} and under the layer's index.
     */
    private StepProfile profile;
    private String[] forwardKeys, backwardKeys;

    public Sequential(List<? extends Layer> layers) {
        this.layers = List.copyOf(layers);
        List<Param> ps = new ArrayList<>();
        for (int i = 0; i < this.layers.size(); i++) {
            for (Param p : this.layers.get(i).params()) ps.add(p.renamed("layers." + i + "." + p.name()));
        }
        this.params = Collections.unmodifiableList(ps);
    }

    public Sequential(Layer... layers) {
        this(List.of(layers));
    }

    public List<Layer> layers() {
        return layers;
    }

    public Layer layer(int i) {
        return layers.get(i);
    }

    /** Times every layer's forward and backward into {@code p} from now on (null: stop timing). */
    public void profile(StepProfile p) {
        if (p != null && forwardKeys == null) {
            forwardKeys = new String[layers.size()];
            backwardKeys = new String[layers.size()];
            for (int i = 0; i < layers.size(); i++) {
                forwardKeys[i] = "forward " + StepProfile.kind(layers.get(i));
                backwardKeys[i] = "backward " + StepProfile.kind(layers.get(i));
            }
        }
        this.profile = p;
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        StepProfile p = profile;
        if (p == null) {
            for (Layer l : layers) x = l.forward(x, training);
            return x;
        }
        for (int i = 0; i < layers.size(); i++) {
            long t = System.nanoTime();
            x = layers.get(i).forward(x, training);
            p.addLayer(i, false, forwardKeys[i], System.nanoTime() - t);
        }
        return x;
    }

    @Override
    public Tensor backward(Tensor dy) {
        StepProfile p = profile;
        for (int i = layers.size() - 1; i >= 0 && dy != null; i--) {
            if (p == null) {
                dy = layers.get(i).backward(dy);
            } else {
                long t = System.nanoTime();
                dy = layers.get(i).backward(dy);
                p.addLayer(i, true, backwardKeys[i], System.nanoTime() - t);
            }
        }
        return dy;
    }

    @Override
    public List<Param> params() {
        return params;
    }

    /** Buffers of every layer, named {@code layers.<i>.<name>}, in layer order. */
    @Override
    public Map<String, Tensor> buffers() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            for (Map.Entry<String, Tensor> e : layers.get(i).buffers().entrySet()) m.put("layers." + i + "." + e.getKey(), e.getValue());
        }
        return m;
    }

    /**
     * Every tensor a checkpoint holds for the model, as a PyTorch state dict orders them: layer by
     * layer, each layer's parameters then its buffers.
     */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            String prefix = "layers." + i + ".";
            if (l instanceof Sequential s) {
                for (Map.Entry<String, Tensor> e : s.stateDict().entrySet()) m.put(prefix + e.getKey(), e.getValue());
                continue;
            }
            for (Param p : l.params()) m.put(prefix + p.name(), p.value());
            for (Map.Entry<String, Tensor> e : l.buffers().entrySet()) m.put(prefix + e.getKey(), e.getValue());
        }
        return m;
    }

    /** Parameters by name, in order. */
    public Map<String, Param> paramMap() {
        Map<String, Param> m = new LinkedHashMap<>();
        for (Param p : params) m.put(p.name(), p);
        return m;
    }

    /** Total number of trainable scalars. */
    public long parameterCount() {
        long n = 0;
        for (Param p : params) n += p.size();
        return n;
    }

    @Override
    public void zeroGrad() {
        for (Layer l : layers) l.zeroGrad();
    }

    /**
     * Only the first layer's input gradient depends on this; inner layers always pass theirs on.
     * Parameter-free leading layers (flatten) are skipped through to the first layer that does work.
     */
    @Override
    public void setInputGradNeeded(boolean needed) {
        boolean below = needed;
        for (Layer l : layers) {
            l.setInputGradNeeded(below);
            // Once a layer with parameters is passed, everything above needs its input gradient.
            if (!l.params().isEmpty()) below = true;
        }
    }

    @Override
    public int[] outputShape(int[] inputShape) {
        int[] s = inputShape;
        for (int i = 0; i < layers.size(); i++) {
            try {
                s = layers.get(i).outputShape(s);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("layer " + i + " (" + layers.get(i).spec() + "): " + e.getMessage(), e);
            }
        }
        return s;
    }

    /** The layers' multiply-adds, each on the shape the layers before it produce. */
    @Override
    public long multiplyAdds(int[] inputShape) {
        long n = 0;
        int[] s = inputShape;
        for (Layer l : layers) {
            n += l.multiplyAdds(s);
            s = l.outputShape(s);
        }
        return n;
    }

    @Override
    public String spec() {
        StringBuilder sb = new StringBuilder();
        for (Layer l : layers) {
            if (sb.length() > 0) sb.append('|');
            sb.append(l.spec());
        }
        return sb.toString();
    }

    @Override
    public Map<String, String> exportState() {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            for (Map.Entry<String, String> e : layers.get(i).exportState().entrySet()) {
                m.put("layers." + i + "." + e.getKey(), e.getValue());
            }
        }
        return m;
    }

    @Override
    public void importState(Map<String, String> state) {
        for (int i = 0; i < layers.size(); i++) {
            String prefix = "layers." + i + ".";
            Map<String, String> mine = new HashMap<>();
            for (Map.Entry<String, String> e : state.entrySet()) {
                if (e.getKey().startsWith(prefix)) {
                    mine.put(e.getKey().substring(prefix.length()), e.getValue());
                }
            }
            if (!mine.isEmpty()) layers.get(i).importState(mine);
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Sequential(\n");
        for (int i = 0; i < layers.size(); i++) {
            sb.append("  (").append(i).append("): ").append(layers.get(i).toString().replace("\n", "\n  ")).append('\n');
        }
        return sb.append(')').toString();
    }
}
