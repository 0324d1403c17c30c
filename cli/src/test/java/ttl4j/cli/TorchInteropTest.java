package ttl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import ttl4j.data.Preprocessing;
import ttl4j.engine.Tensor;
import ttl4j.nn.Checkpoint;
import ttl4j.nn.SafeTensors;
import ttl4j.nn.Sequential;

/**
 * A checkpoint of `ttl train` loaded by python/ttl4j_torch.py computes ttl4j's outputs: raw bytes go
 * through the recorded preprocessing and the torch module, within a relative error of 1e-4 (float32
 * on both sides, different summation orders); every Tucker layer is also checked against nn.Linear
 * with the weight rebuilt by the documented einsum. Every layer word of the spec language appears.
 * Skipped where python3 or torch is missing.
 */
class TorchInteropTest {
    @TempDir
    static Path data;

    @TempDir
    Path tmp;

    @BeforeAll
    static void tinyData() throws IOException {
        TinyData.write(data, "tiny", 200, 40);
    }

    /** Trains {@code spec} briefly on the tiny set; returns model.safetensors. */
    static Path train(Path dir, String spec, String normalize) {
        Captured c = Captured.run("train", "--model", spec, "--dataset", "tiny", "--data-dir", data.toString(), "--epochs", "2",
                "--batch-size", "32", "--lr", "0.05", "--threads", "1", "--normalize", normalize, "--out", dir.toString(), "--overwrite");
        assertEquals(0, c.exit(), c.err());
        return dir.resolve("model.safetensors");
    }

    /** Random raw pixels and ttl4j's evaluation-mode outputs for them, as the cases file of {@code --check}. */
    static Path cases(Path model, Path out, int n) throws IOException {
        Checkpoint ck = Checkpoint.load(model);
        Sequential net = ck.buildModel();
        int[] shape = ck.inputShape();
        Preprocessing prep = Preprocessing.fromJson(ck.metadata().get("preprocessing"));
        int features = 1;
        for (int d : shape) features *= d;
        int plane = features / prep.channels();
        SplittableRandom r = new SplittableRandom(5);
        float[] pixels = new float[n * features], x = new float[n * features];
        for (int i = 0; i < pixels.length; i++) {
            int v = r.nextInt(256);
            pixels[i] = v;
            x[i] = prep.apply((i % features) / plane, v);
        }
        int[] xs = new int[shape.length + 1];
        xs[0] = n;
        System.arraycopy(shape, 0, xs, 1, shape.length);
        Tensor y = net.forward(Tensor.of(x, xs), false);
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("pixels", Tensor.of(pixels, n, features));
        t.put("output", Tensor.of(y.toArray(), y.shape()));
        SafeTensors.write(out, t, Map.of());
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"dense(16)|relu|dense(3)", "flatten|dense(12)|sigmoid|dropout(0.2)|dense(3)",
            "ttl(8x8->4x4; r=3x2; s=2x3)|relu|dense(3)",
            "conv(4,k=3,p=1)|bn|relu|maxpool(2)|conv(4,k=3,p=1,bias=false)|tanh|avgpool(2)|flatten|dropout(0.1)|dense(3)",
            "conv(3,k=3x2,s=2x1,d=1x2)|bn(eps=0.001,momentum=0.2)|relu|avgpool(2,s=1,p=1,count_include_pad=false)|maxpool(2,p=1)|gap|bn|dense(3)"})
    void torchComputesWhatTtl4jComputes(String spec) throws IOException {
        PythonInterop.assumeTorch();
        Path model = train(tmp.resolve("run"), spec, spec.startsWith("flatten") ? "unit" : "standardize");
        Path cases = cases(model, tmp.resolve("cases.safetensors"), 16);
        PythonInterop.Result r = PythonInterop.module("--check", model.toString(), cases.toString(), "--tol", "1e-4");
        assertEquals(0, r.exit(), r.output());
    }

    /**
     * The einsum of docs/checkpoint-format.md, literally as printed there for one output and two input
     * modes, and ttl4j_torch.reconstruct_weight for two output and three input modes, rebuild the dense
     * weight TuckerLayer.reconstructWeight() gives.
     */
    @org.junit.jupiter.api.Test
    void theDocumentedEinsumRebuildsTheDenseWeight() throws IOException {
        PythonInterop.assumeTorch();
        String[] specs = {"ttl(6x7->5; r=2x3; s=4)", "ttl(3x4x2->5x3; r=2x3x2; s=3x2)"};
        for (int k = 0; k < specs.length; k++) {
            Sequential net = ttl4j.nn.ModelSpec.build(specs[k], new int[] {k == 0 ? 42 : 24}, 9);
            Path ck = tmp.resolve("t" + k + ".safetensors"), w = tmp.resolve("w" + k + ".safetensors");
            Checkpoint.save(ck, net, new int[] {k == 0 ? 42 : 24}, null, Map.of());
            String script = String.join("\n", "import sys, numpy as np, ttl4j_torch as tt",
                    "t, meta = tt.read_safetensors(sys.argv[1])",
                    "if len([k for k in t if 'in_factors' in k]) == 2:",
                    "    G, A1, A2, B1 = t['layers.0.core'], t['layers.0.in_factors.0'], t['layers.0.in_factors.1'], t['layers.0.out_factors.0']",
                    "    W = np.einsum('sab,js,ia,kb->jik', G, B1, A1, A2).reshape(B1.shape[0], -1)",
                    "else:",
                    "    ins = [t[f'layers.0.in_factors.{n}'] for n in range(3)]; outs = [t[f'layers.0.out_factors.{m}'] for m in range(2)]",
                    "    W = tt.reconstruct_weight(t['layers.0.core'], ins, outs)",
                    "tt.write_safetensors(sys.argv[2], {'w': W})", "");
            Path py = java.nio.file.Files.writeString(tmp.resolve("einsum.py"), script);
            PythonInterop.Result r = PythonInterop.run(java.util.List.of(py.toString(), ck.toString(), w.toString()));
            assertEquals(0, r.exit(), r.output());
            Tensor ours = ((ttl4j.ttl.TuckerLayer) net.layer(0)).reconstructWeight();
            Tensor theirs = SafeTensors.read(w).tensors().get("w");
            org.junit.jupiter.api.Assertions.assertArrayEquals(ours.shape(), theirs.shape());
            float[] a = ours.toArray(), b = theirs.toArray();
            double scale = 0;
            for (float v : a) scale = Math.max(scale, Math.abs(v));
            for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], 1e-5 * scale, specs[k] + " at " + i);
        }
    }
}
