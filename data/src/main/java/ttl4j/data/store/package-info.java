/**
 * The data directory and where datasets come from: {@link ttl4j.data.store.DatasetStore} (status,
 * verification, loading, fetching; a name outside the catalogue is an {@code IdxFolder} of one's
 * own IDX files), one class per source ({@code NpmSource}, {@code DebianSource},
 * {@code LocalFolderSource}, {@code MirrorSource}), the {@code Installer} that writes verified files
 * atomically, the {@code .verified} marks ({@code VerificationMarks}), the package-client runner
 * ({@code ProcessRunner}) and the npm tarball reader ({@code TarGz}).
 */
package ttl4j.data.store;
