package ttl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ttl4j.engine.Tensor;
import ttl4j.nn.Checkpoint;
import ttl4j.nn.SafeTensors;
import ttl4j.nn.Sequential;

/**
 * A torch nn.Sequential saved by python/ttl4j_torch.py's save_state_dict becomes, through ttl import, a
 * checkpoint whose ttl4j outputs are torch's (1e-4 relative) and which eval, compress and summary accept.
 * The torch tests skip without python3 or torch; the pickle test needs neither.
 */
class ImportCommandTest {
    @TempDir
    static Path data;

    @TempDir
    Path tmp;

    @BeforeAll
    static void tinyData() throws IOException {
        TinyData.write(data, "tiny", 100, 30);
    }

    /** Runs a python script that builds {@code torchModel} (an expression), saves it and writes the cases file. */
    private void torchModel(String torchModel, String inputShape, Path weights, Path cases) throws IOException {
        String script = String.join("\n", "import sys, numpy as np, torch, torch.nn as nn, ttl4j_torch as tt",
                "torch.manual_seed(3)",
                "m = " + torchModel,
                "for mod in m.modules():",
                "    if isinstance(mod, nn.BatchNorm2d):",
                "        mod.running_mean.uniform_(-0.5, 0.5); mod.running_var.uniform_(0.5, 2); mod.weight.data.uniform_(0.5, 2)",
                "        mod.num_batches_tracked.fill_(7)",
                "m.eval()",
                "tt.save_state_dict(m, sys.argv[1])",
                "shape = [" + inputShape.replace("x", ",") + "]",
                "raw = np.random.default_rng(4).integers(0, 256, (10, int(np.prod(shape)))).astype(np.float32)",
                "x = tt.preprocess(raw, {'scale': 1 / 255, 'mean': [0.0], 'std': [1.0]}, shape)",
                "with torch.no_grad(): y = m(torch.from_numpy(x)).numpy()",
                "tt.write_safetensors(sys.argv[2], {'pixels': raw, 'output': y})", "");
        Path py = Files.writeString(tmp.resolve("make.py"), script);
        PythonInterop.Result r = PythonInterop.run(List.of(py.toString(), weights.toString(), cases.toString()));
        assertEquals(0, r.exit(), r.output());
    }

    private static double relError(Path checkpoint, Path cases) throws IOException {
        Checkpoint ck = Checkpoint.load(checkpoint);
        Sequential net = ck.buildModel();
        SafeTensors.Contents c = SafeTensors.read(cases);
        float[] raw = c.tensors().get("pixels").toArray();
        float[] x = new float[raw.length];
        for (int i = 0; i < raw.length; i++) x[i] = Math.fma(raw[i], (float) (1.0 / 255), 0f);
        int[] shape = ck.inputShape();
        int[] xs = new int[shape.length + 1];
        xs[0] = c.tensors().get("pixels").dim(0);
        System.arraycopy(shape, 0, xs, 1, shape.length);
        float[] y = net.forward(Tensor.of(x, xs), false).toArray(), ref = c.tensors().get("output").toArray();
        double err = 0, scale = 0;
        for (int i = 0; i < ref.length; i++) {
            err = Math.max(err, Math.abs(y[i] - ref[i]));
            scale = Math.max(scale, Math.abs(ref[i]));
        }
        return err / scale;
    }

    @Test
    void aTorchMlpImportsAndEvaluates() throws IOException {
        PythonInterop.assumeTorch();
        Path w = tmp.resolve("mlp.safetensors"), cases = tmp.resolve("cases.safetensors"), out = tmp.resolve("ttl4j.safetensors");
        torchModel("nn.Sequential(nn.Flatten(), nn.Linear(64, 16), nn.ReLU(), nn.Linear(16, 3))", "1x8x8", w, cases);
        Captured c = Captured.run("import", "--from", w.toString(), "--model", "flatten|dense(16)|relu|dense(3)", "--input-shape", "1x8x8",
                "--dataset", "tiny", "--out", out.toString());
        assertEquals(0, c.exit(), c.err());
        assertTrue(c.out().startsWith("imported 4 tensors (1,091 parameters)"), c.out());
        assertTrue(relError(out, cases) < 1e-4);
        Captured ev = Captured.run("eval", "--checkpoint", out.toString(), "--data-dir", data.toString());
        assertEquals(0, ev.exit(), ev.err());
        Captured cmp = Captured.run("compress", "--checkpoint", out.toString(), "--data-dir", data.toString(), "--layer", "layers.1",
                "--ranks", "4x4:4", "--in-shape", "8x8", "--out-shape", "16", "--threads", "1", "--out", tmp.resolve("c.safetensors").toString());
        assertEquals(0, cmp.exit(), cmp.err());
        Captured sum = Captured.run("summary", "--checkpoint", out.toString());
        assertEquals(0, sum.exit(), sum.err());
    }

    @Test
    void aTorchConvNetWithBatchNormImports() throws IOException {
        PythonInterop.assumeTorch();
        Path w = tmp.resolve("cnn.safetensors"), cases = tmp.resolve("cases.safetensors"), out = tmp.resolve("ttl4j.safetensors");
        torchModel("nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(64, 3))",
                "1x8x8", w, cases);
        Captured c = Captured.run("import", "--from", w.toString(), "--model", "conv(4,k=3,p=1)|bn|relu|maxpool(2)|flatten|dense(3)",
                "--input-shape", "1x8x8", "--out", out.toString());
        assertEquals(0, c.exit(), c.err());
        assertTrue(relError(out, cases) < 1e-4);
        assertEquals(7f, Checkpoint.load(out).weights().get("layers.1.num_batches_tracked").toArray()[0]);
        Captured ev = Captured.run("eval", "--checkpoint", out.toString(), "--dataset", "tiny", "--data-dir", data.toString());
        assertEquals(0, ev.exit(), ev.err());
    }

    @Test
    void picklesAndMismatchesAreOneLineErrors() throws IOException {
        Path zip = Files.write(tmp.resolve("model.pt"), new byte[] {'P', 'K', 3, 4, 10, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4});
        Path pickle = Files.write(tmp.resolve("model.pkl"), new byte[] {(byte) 0x80, 2, 'c', 'c', 'o', 'l', 'l', 'e', 'c', 't', 'i', 'o', 'n'});
        for (Path p : List.of(zip, pickle)) {
            Captured c = Captured.run("import", "--from", p.toString(), "--model", "dense(3)", "--input-shape", "4", "--out",
                    tmp.resolve("o.safetensors").toString());
            assertEquals(2, c.exit(), c.err());
            assertTrue(c.err().contains("PyTorch pickle") && c.err().contains("save_state_dict(model, \"model.safetensors\")")
                    && c.err().strip().lines().count() == 1, c.err());
            Captured ev = Captured.run("eval", "--checkpoint", p.toString(), "--dataset", "tiny", "--data-dir", data.toString());
            assertTrue(ev.exit() == 2 && ev.err().contains("PyTorch pickle"), ev.err());
        }
        // names and shapes: all problems in one line
        Path w = tmp.resolve("w.safetensors");
        SafeTensors.write(w, java.util.Map.of("0.weight", Tensor.zeros(3, 5), "weird", Tensor.zeros(1)), java.util.Map.of());
        Captured c = Captured.run("import", "--from", w.toString(), "--model", "dense(3)", "--input-shape", "4", "--out",
                tmp.resolve("o.safetensors").toString());
        assertTrue(c.exit() == 2 && c.err().contains("tensor weird is neither"), c.err());
        SafeTensors.write(w, java.util.Map.of("0.weight", Tensor.zeros(3, 5)), java.util.Map.of());
        c = Captured.run("import", "--from", w.toString(), "--model", "dense(3)", "--input-shape", "4", "--out", tmp.resolve("o.safetensors").toString());
        assertTrue(c.exit() == 2 && c.err().contains("layers.0.weight has shape [3, 5], the spec needs [3, 4]")
                && c.err().contains("missing layers.0.bias [3]") && c.err().strip().lines().count() == 1, c.err());
    }
}
