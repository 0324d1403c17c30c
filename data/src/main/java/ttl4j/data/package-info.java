/**
 * Datasets: readers of the IDX (MNIST, Fashion-MNIST) and CIFAR-10 binary formats that validate
 * before they allocate, an in-memory {@link ttl4j.data.Dataset} kept as bytes, the
 * {@link ttl4j.data.BatchConverter} that turns the records of a batch into floats with a recorded
 * {@link ttl4j.data.Preprocessing}, and the {@link ttl4j.data.store.DatasetStore} that finds,
 * fetches and verifies the datasets in the data directory. The order of an epoch is not decided
 * here but by the training side ({@code ttl4j.nn.EpochOrder}).
 */
package ttl4j.data;
