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
        this.base = base.endsWith("/") ? base : base + "/";
        this.timeout = timeout;
        this.stall = timeout.compareTo(MAX_STALL) < 0 ? timeout : MAX_STALL;
    }

    @Override
    public String describe() {
        return "mirror " + base;
    }

    @Override
    public void fetch(List<FileSpec> wanted, Installer into) throws IOException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        List<String> errors = new ArrayList<>();
        for (FileSpec f : wanted) {
            try {
                if (!get(client, into, f, base + f.name() + ".gz") && !get(client, into, f, base + f.name())) {
                    errors.add(f.name() + ": not found (HTTP 404) as " + base + f.name() + ".gz or " + base + f.name());
                }
            } catch (IOException e) {
                errors.add(e.getMessage());
            }
        }
        if (!errors.isEmpty()) throw new IOException(String.join("; ", errors));
    }

    /** Downloads one URL into place; false on 404. */
    private boolean get(HttpClient client, Installer into, FileSpec f, String url) throws IOException {
        HttpRequest req;
        try {
            req = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build();
        } catch (IllegalArgumentException e) {
            throw new IOException("bad mirror URL " + url + ": " + e.getMessage(), e);
        }
        HttpResponse<InputStream> resp;
        try {
            resp = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while requesting " + url, e);
        } catch (IOException e) {
            throw new IOException(url + ": " + (e.getMessage() != null ? e.getMessage() : e.toString()), e);
        }
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
