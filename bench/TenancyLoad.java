import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A closed-loop HTTP load: CONCURRENCY workers, each sending one GET after the other on its own keep-alive
 * connection, for each target in turn, ROUNDS times interleaved so that a drift of the machine spreads over every
 * target alike. Prints per target the requests per second (median of the rounds, and every round), the p50 and
 * p99 latency over all rounds, the errors, and the {@code total_results} of its answer. Run by bench/tenancy.sh.
 *
 * <pre>java TenancyLoad.java SPEC_FILE SECONDS ROUNDS CONCURRENCY</pre>
 * <p>SPEC_FILE has one target a line: {@code label<TAB>url<TAB>bearer token or -}.
 */
public final class TenancyLoad {

    private static final Pattern TOTAL = Pattern.compile("\"total_results\"\\s*:\\s*(\\d+)");

    private record Target(String label, URI uri, String token) {
    }

    private static final class Result {
        final List<Double> rates = new ArrayList<>();
        final List<long[]> latencies = new ArrayList<>();
        long errors;
        String total = "-";
    }

    public static void main(String[] args) throws Exception {
        List<Target> targets = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t");
            targets.add(new Target(f[0], URI.create(f[1]), "-".equals(f[2]) ? null : f[2]));
        }
        int seconds = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        int concurrency = Integer.parseInt(args[3]);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();

        Map<Target, Result> results = new LinkedHashMap<>();
        for (Target t : targets) {
            Result r = new Result();
            HttpResponse<String> sample = http.send(request(t), HttpResponse.BodyHandlers.ofString());
            if (sample.statusCode() != 200) {
                throw new IllegalStateException(t.label + ": HTTP " + sample.statusCode() + " " + sample.body());
            }
            Matcher m = TOTAL.matcher(sample.body());
            r.total = m.find() ? m.group(1) : "-";
            results.put(t, r);
            run(http, t, concurrency, Math.min(2, seconds), null); // warm-up: JIT, connections, caches
        }
        for (int round = 0; round < rounds; round++) {
            for (Target t : targets) {
                run(http, t, concurrency, seconds, results.get(t));
            }
        }

        System.out.printf("%n%-44s %10s %9s %9s %7s %8s   %s%n", "GET, " + concurrency + " connections, " + rounds + " x "
                + seconds + " s", "req/s", "p50 ms", "p99 ms", "errors", "results", "req/s of each round");
        for (Map.Entry<Target, Result> e : results.entrySet()) {
            Result r = e.getValue();
            long[] all = r.latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
            List<Double> sortedRates = new ArrayList<>(r.rates);
            sortedRates.sort(null);
            double median = sortedRates.get(sortedRates.size() / 2);
            System.out.printf("%-44s %10.0f %9.2f %9.2f %7d %8s   %s%n", e.getKey().label, median,
                    percentile(all, 0.50) / 1e6, percentile(all, 0.99) / 1e6, r.errors, r.total,
                    r.rates.stream().map(x -> String.format("%.0f", x)).toList());
        }
    }

    private static HttpRequest request(Target t) {
        HttpRequest.Builder b = HttpRequest.newBuilder(t.uri).timeout(Duration.ofSeconds(30)).GET();
        if (t.token != null) {
            b.header("Authorization", "bearer " + t.token);
        }
        return b.build();
    }

    /** Runs the target for {@code seconds}; adds its rate, latencies and errors to {@code into} unless null. */
    private static void run(HttpClient http, Target t, int concurrency, int seconds, Result into) throws Exception {
        HttpRequest request = request(t);
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        AtomicLong errors = new AtomicLong();
        List<long[]> perWorker = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(concurrency);
        long start = System.nanoTime();
        for (int w = 0; w < concurrency; w++) {
            long[][] slot = new long[1][];
            perWorker.add(null);
            int index = w;
            Thread worker = new Thread(() -> {
                long[] lat = new long[1024];
                int n = 0;
                try {
                    while (System.nanoTime() < end) {
                        long t0 = System.nanoTime();
                        try {
                            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                            if (response.statusCode() != 200) {
                                errors.incrementAndGet();
                            }
                        } catch (IOException e) {
                            errors.incrementAndGet();
                        }
                        if (n == lat.length) {
                            lat = Arrays.copyOf(lat, n * 2);
                        }
                        lat[n++] = System.nanoTime() - t0;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    slot[0] = Arrays.copyOf(lat, n);
                    synchronized (perWorker) {
                        perWorker.set(index, slot[0]);
                    }
                    done.countDown();
                }
            }, "load-" + t.label + "-" + w);
            worker.start();
        }
        done.await();
        double elapsed = (System.nanoTime() - start) / 1e9;
        if (into == null) {
            return;
        }
        long count = 0;
        synchronized (perWorker) {
            for (long[] lat : perWorker) {
                count += lat.length;
                into.latencies.add(lat);
            }
        }
        into.rates.add(count / elapsed);
        into.errors += errors.get();
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
