/**
 * Datasets: readers of the IDX (MNIST, Fashion-MNIST) and CIFAR-10 binary formats that validate
 * before they allocate, an in-memory {@link ttl4j.data.Dataset} kept as bytes, seeded
 * {@link ttl4j.data.Batches} converting to float tensors with a recorded
 * {@link ttl4j.data.Preprocessing}, and the {@link ttl4j.data.store.DatasetStore} that finds, fetches and
 * verifies the datasets in the data directory.
 */
package ttl4j.data;
