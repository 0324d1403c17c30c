import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import ttl4j.engine.Tensor;
import ttl4j.nn.Buffers;
import ttl4j.nn.Checkpoint;
import ttl4j.nn.Layer;
import ttl4j.nn.Param;
import ttl4j.nn.SafeTensors;
import ttl4j.nn.Sequential;

/**
 * What conv_layers_check.py compares PyTorch with: runs a ttl4j checkpoint's network on a seeded
 * random batch and writes, as one safetensors file, the batch ({@code input}), every layer's output in
 * evaluation mode ({@code eval.<i>}), then, in training mode, every layer's output ({@code train.<i>}),
 * the gradients of {@code sum(output * R)} for a seeded random R ({@code r}) with respect to every
 * parameter ({@code grad.<name>}) and the input ({@code grad.input}), and the buffers after that
 * training forward ({@code after.<name>}).
 *
 * <p>Run as a single-file program on the runnable jar:
 * {@code java --add-modules=jdk.incubator.vector -cp cli/target/ttl4j.jar bench/pytorch/ConvLayersProbe.java MODEL OUT [BATCH] [SEED]}.
 */
public class ConvLayersProbe {
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: ConvLayersProbe MODEL.safetensors OUT.safetensors [BATCH] [SEED]");
            System.exit(2);
        }
        Checkpoint ck = Checkpoint.load(Path.of(args[0]));
        Sequential model = ck.buildModel();
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        long seed = args.length > 3 ? Long.parseLong(args[3]) : 1;
        int[] shape = Buffers.batchShape(batch, ck.inputShape());
        SplittableRandom rnd = new SplittableRandom(seed);
        Tensor x = Tensor.randn(rnd, 1f, shape);

        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("input", x.copy());
        List<Layer> layers = model.layers();
        Tensor h = x;
        for (int i = 0; i < layers.size(); i++) {
            h = layers.get(i).forward(h, false);
            out.put("eval." + i, h.copy());
        }
        model.setInputGradNeeded(true);
        model.zeroGrad();
        h = x;
        for (int i = 0; i < layers.size(); i++) {
            h = layers.get(i).forward(h, true);
            out.put("train." + i, h.copy());
        }
        Tensor r = Tensor.randn(rnd, 1f, h.shape());
        out.put("r", r);
        Tensor dx = model.backward(r.copy());
        for (Param p : model.params()) out.put("grad." + p.name(), p.grad().copy());
        out.put("grad.input", dx.copy());
        for (Map.Entry<String, Tensor> e : model.buffers().entrySet()) out.put("after." + e.getKey(), e.getValue().copy());
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("model", model.spec());
        meta.put("input_shape", Arrays.toString(ck.inputShape()).replace(" ", ""));
        SafeTensors.write(Path.of(args[1]), out, meta);
        System.err.println("wrote " + out.size() + " tensors of " + model.spec() + " on a batch of " + Arrays.toString(shape)
                + " to " + args[1]);
    }
}
