package io.strato.core.internal;

import io.strato.api.role.Role;
import io.strato.api.role.RoleException;
import io.strato.api.role.RoleGroup;
import io.strato.api.role.RoleInfo;
import io.strato.api.role.RoleNames;
import io.strato.api.role.RoleService;
import io.strato.api.role.RoleState;
import org.apache.karaf.features.Dependency;
import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeatureEvent;
import org.apache.karaf.features.FeaturesListener;
import org.apache.karaf.features.FeaturesService;
import org.apache.karaf.features.RepositoryEvent;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

/**
 * Roles on this node, as Karaf features. A role is installed when its feature is, and active when its
 * bundle's {@link Role} service is registered. Enforces the node-level rules: base cannot be removed (and
 * is reinstalled if its feature is uninstalled behind Strato's back), and the primary role is checked
 * against the cluster before it is installed and rolled back when the cluster refuses it.
 */
@Component(service = {RoleService.class, LocalRoles.class}, configurationPid = "io.strato.rolegroups",
        configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
public class RoleServiceImpl implements RoleService, LocalRoles {

    private static final Logger LOG = LoggerFactory.getLogger(RoleServiceImpl.class);
    private static final long ACTIVATION_WAIT_MS = 20_000;

    private final FeaturesService features;
    private final Map<String, Role> active = new ConcurrentHashMap<>();
    private final Map<String, String> refused = new ConcurrentHashMap<>();
    private final Map<String, String> standingBy = new ConcurrentHashMap<>();
    private final ScheduledExecutorService repairs = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "strato-role-repairs"));
    /** Features change rarely and heartbeats read roles often: rebuilt on feature and repository events. */
    private volatile RoleCatalog catalog;
    private final FeaturesListener guard = new RoleGuard();
    private volatile Map<String, String> configuredGroups = Map.of();
    private volatile PrimaryGuard primaryGuard;

    @Activate
    public RoleServiceImpl(@Reference FeaturesService features, Map<String, Object> config) {
        this.features = features;
        this.configuredGroups = groupsFrom(config);
        features.registerListener(guard);
    }

    @Modified
    void modified(Map<String, Object> config) {
        configuredGroups = groupsFrom(config);
        catalog = null;
        LOG.info("Role groups from etc/io.strato.rolegroups.cfg: {}", configuredGroups.keySet());
    }

    @Deactivate
    void deactivate() {
        features.unregisterListener(guard);
        repairs.shutdownNow();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindRole(Role role) {
        active.put(role.name(), role);
        refused.remove(role.name());
        LOG.info("Role {} is active on this node", role.name());
    }

    void unbindRole(Role role) {
        active.remove(role.name(), role);
        standingBy.remove(role.name());
        LOG.info("Role {} is no longer active on this node", role.name());
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindPrimaryGuard(PrimaryGuard guard) {
        this.primaryGuard = guard;
    }

    void unbindPrimaryGuard(PrimaryGuard guard) {
        if (this.primaryGuard == guard) {
            this.primaryGuard = null;
        }
    }

    static Map<String, String> groupsFrom(Map<String, Object> config) {
        Map<String, String> groups = new TreeMap<>();
        config.forEach((key, value) -> {
            if (!key.contains(".") && value != null) {
                groups.put(key, value instanceof String[] a ? String.join(",", a) : value.toString());
            }
        });
        return groups;
    }

    RoleCatalog catalog() {
        RoleCatalog cached = catalog;
        if (cached == null) {
            cached = readCatalog();
            catalog = cached;
        }
        return cached;
    }

    private RoleCatalog readCatalog() {
        List<RoleCatalog.FeatureInfo> infos = new ArrayList<>();
        try {
            for (Feature f : features.listFeatures()) {
                if (f.getName().startsWith("strato-")) {
                    infos.add(new RoleCatalog.FeatureInfo(f.getName(), f.getDescription(),
                            f.getDependencies().stream().map(Dependency::getName).toList()));
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot list Karaf features: " + e.getMessage(), e);
        }
        return new RoleCatalog(infos, configuredGroups);
    }

    private Set<String> installedFeatures() {
        try {
            return Arrays.stream(features.listInstalledFeatures()).map(Feature::getName).collect(Collectors.toSet());
        } catch (Exception e) {
            throw new IllegalStateException("cannot list installed features: " + e.getMessage(), e);
        }
    }

    @Override
    public Map<String, RoleState> states() {
        RoleCatalog catalog = catalog();
        Set<String> installed = installedFeatures();
        Map<String, RoleState> states = new TreeMap<>();
        catalog.roles().forEach((role, feature) -> {
            if (installed.contains(feature.name())) {
                states.put(role, stateOf(role));
            }
        });
        refused.keySet().forEach(role -> states.put(role, RoleState.REFUSED));
        standingBy.keySet().forEach(role -> states.put(role, RoleState.REFUSED));
        return states;
    }

    private RoleState stateOf(String role) {
        if (refused.containsKey(role) || standingBy.containsKey(role)) {
            return RoleState.REFUSED;
        }
        return active.containsKey(role) ? RoleState.ACTIVE : RoleState.INACTIVE;
    }

    @Override
    public List<RoleInfo> roles() {
        RoleCatalog catalog = catalog();
        Set<String> installed = installedFeatures();
        List<RoleInfo> result = new ArrayList<>();
        catalog.roles().forEach((role, feature) -> result.add(info(role, feature, installed)));
        return result;
    }

    @Override
    public RoleInfo role(String name) throws RoleException {
        RoleCatalog catalog = catalog();
        catalog.requireRoles(List.of(name));
        return info(name, catalog.roles().get(name), installedFeatures());
    }

    private RoleInfo info(String role, RoleCatalog.FeatureInfo feature, Set<String> installed) {
        Role running = active.get(role);
        boolean isInstalled = installed.contains(feature.name());
        return new RoleInfo(role, feature.name(), running != null ? running.description() : feature.description(),
                running != null ? running.requires() : Set.of(), isInstalled,
                isInstalled || refused.containsKey(role) ? Optional.of(stateOf(role)) : Optional.empty());
    }

    @Override
    public List<RoleGroup> groups() {
        return List.copyOf(catalog().groups().values());
    }

    @Override
    public List<String> add(List<String> rolesOrGroups, boolean force) throws RoleException {
        RoleCatalog catalog = catalog();
        List<String> roles = catalog.expand(rolesOrGroups);
        Set<String> installed = installedFeatures();
        List<String> missing = roles.stream().filter(r -> !installed.contains(catalog.feature(r))).toList();
        if (missing.isEmpty()) {
            return List.of();
        }
        if (missing.contains(RoleNames.PRIMARY)) {
            PrimaryGuard guard = primaryGuard;
            if (guard == null) {
                throw new RoleException("the cluster is not reachable from this node yet; try again in a few seconds");
            }
            Optional<String> conflict = guard.admit(force);
            if (conflict.isPresent()) {
                throw new RoleException(conflict.get());
            }
            refused.remove(RoleNames.PRIMARY);
            standingBy.remove(RoleNames.PRIMARY);
        }
        Set<String> featureNames = missing.stream().map(catalog::feature).collect(Collectors.toCollection(LinkedHashSet::new));
        LOG.info("Installing roles {} (features {})", missing, featureNames);
        try {
            features.installFeatures(featureNames, EnumSet.noneOf(FeaturesService.Option.class));
        } catch (Exception e) {
            String refusal = refused.get(RoleNames.PRIMARY);
            throw refusal != null ? new RoleException(refusal)
                    : new RoleException("installing " + String.join(", ", missing) + " failed: " + e.getMessage(), e);
        }
        if (missing.contains(RoleNames.PRIMARY)) {
            awaitPrimaryOutcome();
        }
        return missing;
    }

    /** The primary claim happens when its component activates; report a refusal to whoever asked. */
    private void awaitPrimaryOutcome() throws RoleException {
        long deadline = System.currentTimeMillis() + ACTIVATION_WAIT_MS;
        while (System.currentTimeMillis() < deadline) {
            String reason = refused.get(RoleNames.PRIMARY);
            if (reason != null) {
                throw new RoleException(reason);
            }
            if (active.containsKey(RoleNames.PRIMARY)) {
                return;
            }
            sleep(100);
        }
        throw new RoleException("the primary role was installed but did not start within "
                + ACTIVATION_WAIT_MS / 1000 + " s; see kato:status and the log");
    }

    @Override
    public List<String> remove(List<String> roles) throws RoleException {
        RoleCatalog catalog = catalog();
        List<String> names = catalog.requireRoles(roles);
        if (names.contains(RoleNames.BASE)) {
            throw new RoleException("the base role is mandatory on every node and cannot be removed; "
                    + "to take this node out of the cluster use kato:node-detach");
        }
        Set<String> installed = installedFeatures();
        List<String> absent = names.stream().filter(r -> !installed.contains(catalog.feature(r))).toList();
        if (!absent.isEmpty()) {
            throw new RoleException("not installed on this node: " + String.join(", ", absent)
                    + "; installed roles: " + String.join(", ", states().keySet()));
        }
        Set<String> featureNames = names.stream().map(catalog::feature).collect(Collectors.toCollection(LinkedHashSet::new));
        LOG.info("Removing roles {} (features {})", names, featureNames);
        try {
            features.uninstallFeatures(featureNames, EnumSet.noneOf(FeaturesService.Option.class));
        } catch (Exception e) {
            throw new RoleException("removing " + String.join(", ", names) + " failed: " + e.getMessage(), e);
        }
        return names;
    }

    @Override
    public void refuse(String role, String reason) {
        refused.put(role, reason);
        LOG.error("Role {} refused: {}. Rolling back feature {}{}", role, reason, RoleNames.ROLE_FEATURE_PREFIX, role);
        repairs.submit(() -> {
            try {
                features.uninstallFeature(RoleNames.ROLE_FEATURE_PREFIX + role);
                LOG.info("Feature {}{} rolled back", RoleNames.ROLE_FEATURE_PREFIX, role);
            } catch (Exception e) {
                LOG.error("Rolling back feature {}{} failed: {}", RoleNames.ROLE_FEATURE_PREFIX, role, e.getMessage());
            }
            // the refusal stays visible a little after the rollback so that status and the shell can show it
            repairs.schedule(() -> refused.remove(role, reason), 30, TimeUnit.SECONDS);
        });
    }

    @Override
    public void standBy(String role, String reason) {
        standingBy.put(role, reason);
        LOG.error("Role {} stands by: {}. Its feature stays installed; kato:role-remove {} takes it off this node",
                role, reason, role);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Watches role features whichever way they are installed or removed: base is mandatory (its feature
     * uninstalled by any means is installed again), and a role the cluster refused while its feature was
     * being installed fails that installation, so {@code feature:install} itself reports the refusal (the
     * feature is rolled back by {@link #refuse}).
     */
    private final class RoleGuard implements FeaturesListener {
        private final String baseFeature = RoleNames.ROLE_FEATURE_PREFIX + RoleNames.BASE;

        @Override
        public void featureEvent(FeatureEvent event) {
            catalog = null;
            if (event.isReplay()) {
                return;
            }
            String name = event.getFeature().getName();
            if (event.getType() == FeatureEvent.EventType.FeatureInstalled) {
                RoleCatalog.roleName(name).map(refused::get).ifPresent(reason -> {
                    throw new IllegalStateException(reason);
                });
            } else if (event.getType() == FeatureEvent.EventType.FeatureUninstalled && baseFeature.equals(name)) {
                LOG.warn("Feature {} was uninstalled, but the base role is mandatory on every node: reinstalling it", baseFeature);
                repairs.submit(() -> {
                    try {
                        features.installFeature(baseFeature);
                        LOG.info("Base role restored");
                    } catch (Exception e) {
                        LOG.error("Restoring the base role failed: {}. The node reports NOT READY until "
                                + "`kato:role-add base` succeeds", e.getMessage());
                    }
                });
                // reaches the command that uninstalled it: it says why base comes back
                throw new IllegalStateException("the base role is mandatory on every node: " + baseFeature
                        + " is being installed again (the node is NOT READY until it is back, a few seconds). "
                        + "To take this node out of its cluster use kato:node-detach");
            }
        }

        @Override
        public void repositoryEvent(RepositoryEvent event) {
            catalog = null;
        }
    }

    @Override
    public Map<String, String> refusals() {
        Map<String, String> all = new HashMap<>(standingBy);
        all.putAll(refused);
        return all;
    }
}
