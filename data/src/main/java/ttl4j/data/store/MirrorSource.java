package ttl4j.data.store;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import ttl4j.data.Catalog.FileSpec;

/**
 * An HTTP(S) mirror serving a dataset's files under one base URL, each as {@code <file>.gz} or
 * {@code <file>} (tried in that order; a 404 moves on to the next name).
 */
final class MirrorSource implements Source {
    private final String base;
    private final Duration timeout;

    /** Longest wait for the next bytes of a body once the headers have come (at most the request timeout). */
    static final Duration MAX_STALL = Duration.ofSeconds(60);

    private final Duration stall;

    /**
     * {@code timeout}: limit for each request until its headers arrive; after that the body may take
     * as long as it keeps coming, but a wait of {@code min(timeout, 60 s)} for the next bytes ends it.
     */
    MirrorSource(String base, Duration timeout) {
        this(base, timeout, null);
    }

    /** The dataset's official archive: its file name and the folder of the files inside it. */
    record Archive(String name, String folder) {}

    private final Archive archive;
    private final String url;

    /**
     * {@code base}: the URL of a folder serving the files (or, when the dataset has an {@code
     * archive}, serving that archive), or the archive's own URL (ending in {@code .tar.gz}).
     */
    MirrorSource(String base, Duration timeout, Archive archive) {
        this.url = base;
        this.archive = archive;
        boolean archiveUrl = archive != null && base.endsWith(".tar.gz");
        String folder = archiveUrl ? base.substring(0, base.lastIndexOf('/') + 1) : base;
        this.base = folder.endsWith("/") ? folder : folder + "/";
        this.timeout = timeout;
        this.stall = timeout.compareTo(MAX_STALL) < 0 ? timeout : MAX_STALL;
    }

    @Override
    public String describe() {
        return "mirror " + (archive != null && url.endsWith(".tar.gz") ? url : base);
    }

    @Override
    public void fetch(List<FileSpec> wanted, Installer into) throws IOException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        if (archive != null && url.endsWith(".tar.gz")) {
            fetchArchive(client, wanted, into, url);
            return;
        }
        List<String> errors = new ArrayList<>();
        List<FileSpec> notFound = new ArrayList<>();
        for (FileSpec f : wanted) {
            try {
                if (!get(client, into, f, base + f.name() + ".gz") && !get(client, into, f, base + f.name())) {
                    notFound.add(f);
                    errors.add(f.name() + ": not found (HTTP 404) as " + base + f.name() + ".gz or " + base + f.name());
                }
            } catch (IOException e) {
                errors.add(e.getMessage());
            }
        }
        if (archive != null && !notFound.isEmpty() && notFound.size() == errors.size()) {
            // Not served one by one: the dataset's official archive under the same base.
            fetchArchive(client, notFound, into, base + archive.name());
            return;
        }
        if (!errors.isEmpty()) throw new IOException(String.join("; ", errors));
    }

    /**
     * Streams a {@code .tar.gz} of the dataset (its official archive), installing each wanted file
     * as its entry goes by (verified and atomic as any download; nothing else is kept).
     */
    private void fetchArchive(HttpClient client, List<FileSpec> wanted, Installer into, String archiveUrl) throws IOException {
        java.util.Map<String, FileSpec> byEntry = new java.util.HashMap<>();
        for (FileSpec f : wanted) byEntry.put(archive.folder() + f.name(), f);
        HttpResponse<InputStream> resp = send(client, archiveUrl);
        List<String> installed = new ArrayList<>();
        try (InputStream body = new StallGuard(resp.body(), stall, archiveUrl)) {
            if (resp.statusCode() == 404) throw new IOException(archiveUrl + ": not found (HTTP 404)");
            if (resp.statusCode() != 200) throw new IOException(archiveUrl + ": HTTP " + resp.statusCode());
            try (TarGz tar = new TarGz(body, archiveUrl)) {
                for (TarGz.Entry e = tar.next(); e != null && installed.size() < byEntry.size(); e = tar.next()) {
                    FileSpec f = byEntry.get(e.name());
                    if (f != null && e.regularFile()) {
                        into.install(f, tar.content(), archiveUrl + " (" + e.name() + ")");
                        installed.add(f.name());
                    }
                }
            } catch (java.util.zip.ZipException e) {
                throw new IOException(archiveUrl + ": not a readable .tar.gz (" + e.getMessage() + ")", e);
            } catch (java.io.EOFException e) {
                throw new IOException(archiveUrl + ": the archive ends early (truncated download?)", e);
            }
        }
        List<String> missing = wanted.stream().map(FileSpec::name).filter(n -> !installed.contains(n)).toList();
        if (!missing.isEmpty()) {
            throw new IOException(archiveUrl + ": no " + String.join(", ", missing) + " under " + archive.folder() + " in the archive");
        }
    }

    private HttpResponse<InputStream> send(HttpClient client, String u) throws IOException {
        HttpRequest req;
        try {
            req = HttpRequest.newBuilder(URI.create(u)).timeout(timeout).GET().build();
        } catch (IllegalArgumentException e) {
            throw new IOException("bad mirror URL " + u + ": " + e.getMessage(), e);
        }
        try {
            return client.send(req, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while requesting " + u, e);
        } catch (IOException e) {
            throw new IOException(u + ": " + (e.getMessage() != null ? e.getMessage() : e.toString()), e);
        }
    }

    /** Downloads one URL into place; false on 404. */
    private boolean get(HttpClient client, Installer into, FileSpec f, String url) throws IOException {
        HttpResponse<InputStream> resp = send(client, url);
        try (InputStream body = resp.body()) {
            if (resp.statusCode() == 404) return false;
            if (resp.statusCode() != 200) throw new IOException(url + ": HTTP " + resp.statusCode());
            try (InputStream guarded = new StallGuard(body, stall, url)) {
                into.install(f, guarded, url);
            }
            return true;
        }
    }
}
