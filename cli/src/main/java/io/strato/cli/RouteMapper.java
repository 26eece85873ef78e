package io.strato.cli;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** Turns {@code host.domain} URLs into routes (creating them when missing) and maps them to an app. */
public final class RouteMapper {

    private final ControllerClient controller;
    private final List<Domain> domains;
    private final String spaceGuid;

    public RouteMapper(ControllerClient controller, List<Domain> domains, String spaceGuid) {
        this.controller = controller;
        this.domains = domains;
        this.spaceGuid = spaceGuid;
    }

    /** The default route {@code <app>.<first shared domain>}. */
    public String defaultUrl(String appName) {
        return appName + "." + appDomain().name();
    }

    /** Stackato manifests may write {@code ${name}} and {@code ${target-base}} in urls. */
    public String expand(String url, String appName) {
        return url.replace("${name}", appName).replace("${target-base}", appDomain().name());
    }

    /** Maps every URL to the app and returns them as {@code host.domain}. */
    public List<String> map(App app, List<String> urls) {
        return urls.stream().map(url -> {
            String hostAndDomain = bare(url);
            Domain domain = domainOf(hostAndDomain);
            String host = hostAndDomain.equals(domain.name())
                    ? ""
                    : hostAndDomain.substring(0, hostAndDomain.length() - domain.name().length() - 1);
            Route route = controller.findRoute(host, domain.guid())
                    .orElseGet(() -> controller.createRoute(host, domain.guid(), spaceGuid));
            controller.mapRoute(app.guid(), route.guid());
            return hostAndDomain;
        }).toList();
    }

    private Domain appDomain() {
        if (domains.isEmpty()) {
            throw new CliError("The controller has no shared domain for app routes: ask an admin to add one");
        }
        return domains.get(0);
    }

    private Domain domainOf(String hostAndDomain) {
        return domains.stream()
                .filter(d -> hostAndDomain.equals(d.name()) || hostAndDomain.endsWith("." + d.name()))
                .max(Comparator.comparingInt(d -> d.name().length()))
                .orElseThrow(() -> new CliError("'" + hostAndDomain + "' is not under a domain of this cloud ("
                        + String.join(", ", domains.stream().map(Domain::name).toList())
                        + "): use one of them in the app's urls"));
    }

    private static String bare(String url) {
        String s = url.trim().toLowerCase(Locale.ROOT).replaceFirst("^[a-z]+://", "");
        int slash = s.indexOf('/');
        return slash < 0 ? s : s.substring(0, slash);
    }
}
