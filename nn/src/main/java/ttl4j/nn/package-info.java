/**
 * The network stack: layers, loss, optimisers, training loop and checkpoints, on the engine's
 * kernels ({@code Engine.kernels()}) only.
 *
 * <ul>
 *   <li>{@link ttl4j.nn.Layer}: batch-first forward/backward with named {@link ttl4j.nn.Param}s whose
 *       gradients accumulate; {@link ttl4j.nn.Dense}, {@link ttl4j.nn.ReLU}, {@link ttl4j.nn.Tanh},
 *       {@link ttl4j.nn.Sigmoid}, {@link ttl4j.nn.Dropout}, {@link ttl4j.nn.Flatten},
 *       {@link ttl4j.nn.Sequential}; on NCHW images {@link ttl4j.nn.Conv2d}, {@link ttl4j.nn.MaxPool2d},
 *       {@link ttl4j.nn.AvgPool2d}, {@link ttl4j.nn.GlobalAvgPool} and {@link ttl4j.nn.BatchNorm2d}, whose
 *       running statistics are buffers ({@link ttl4j.nn.Layer#buffers}) saved in checkpoints. Layers reuse their buffers across steps
 *       ({@link ttl4j.nn.Buffers}); layers with a weight and a bias share their gradient
 *       bookkeeping ({@link ttl4j.nn.LayerGradients}).
 *   <li>{@link ttl4j.nn.SoftmaxCrossEntropy}: fused, log-sum-exp stable, mean over the batch.
 *   <li>{@link ttl4j.nn.Sgd} (momentum, Nesterov, weight decay), {@link ttl4j.nn.Adam} (Adam, AdamW),
 *       {@link ttl4j.nn.LrSchedule} (constant, step, cosine with warm-up).
 *   <li>{@link ttl4j.nn.Trainer} over a {@link ttl4j.nn.BatchSource}, with
 *       {@link ttl4j.nn.TrainingCallback}s, a divergence guard and bitwise resume.
 *   <li>{@link ttl4j.nn.Checkpoint} in the {@link ttl4j.nn.SafeTensors} format.
 *   <li>{@link ttl4j.nn.ModelSpec}: the {@code dense(300)|relu|dense(10)} language, presets and the
 *       layer registry other modules extend.
 * </ul>
 */
package ttl4j.nn;
