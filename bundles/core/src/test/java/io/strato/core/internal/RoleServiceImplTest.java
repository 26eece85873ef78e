package io.strato.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strato.api.role.Role;
import io.strato.api.role.RoleException;
import io.strato.api.role.RoleGroup;
import io.strato.api.role.RoleInfo;
import io.strato.api.role.RoleState;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.karaf.features.Dependency;
import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeatureEvent;
import org.apache.karaf.features.FeaturesListener;
import org.apache.karaf.features.FeaturesService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a Karaf admin relies on from kato:role-*: roles are Karaf features, groups expand to their roles, base
 * stays on every node whatever removes it, and the primary role is installed only when the cluster admits it.
 */
class RoleServiceImplTest {

    private final Features features = new Features(
            feature("strato-core"),
            feature("strato-role-base", "strato-core"),
            feature("strato-role-primary", "strato-core"),
            feature("strato-role-controller", "strato-core"),
            feature("strato-role-router", "strato-core"),
            feature("strato-service-redis", "strato-core"),
            feature("strato-group-micro-cloud", "strato-role-base", "strato-role-primary", "strato-role-controller",
                    "strato-role-router", "strato-service-redis"));
    private final RoleServiceImpl roles = new RoleServiceImpl(features.service,
            Map.of("web", "controller, router", "service.pid", "io.strato.rolegroups",
                    "felix.fileinstall.filename", "file:/etc/io.strato.rolegroups.cfg"));

    @AfterEach
    void tearDown() {
        roles.deactivate();
    }

    @Test
    void rolesAreTheStratoFeaturesWithTheirState() throws RoleException {
        features.installed.add("strato-role-base");
        features.installed.add("strato-role-router");
        roles.bindRole(role("base"));

        assertEquals(Map.of("base", RoleState.ACTIVE, "router", RoleState.INACTIVE), roles.states());
        assertEquals(List.of("base", "controller", "primary", "redis", "router"),
                roles.roles().stream().map(RoleInfo::name).toList());
        RoleInfo controller = roles.role("controller");
        assertFalse(controller.installed());
        assertEquals(Optional.empty(), controller.state());
        RoleException unknown = assertThrows(RoleException.class, () -> roles.role("dae"));
        assertTrue(unknown.getMessage().startsWith("unknown role: dae; valid roles: base, controller, primary, redis, router"),
                unknown.getMessage());
    }

    @Test
    void groupsFromFeaturesAndFromTheConfigurationExpandToTheirRoles() throws RoleException {
        Map<String, List<String>> groups = roles.groups().stream()
                .collect(Collectors.toMap(RoleGroup::name, RoleGroup::roles));
        assertEquals(Map.of("micro-cloud", List.of("base", "primary", "controller", "router", "redis"),
                "web", List.of("controller", "router")), groups, "keys with a dot are Config Admin's, not groups");

        features.installed.add("strato-role-base");
        assertEquals(List.of("controller", "router"), roles.add(List.of("web", "router"), false));
        assertEquals(List.of(Set.of("strato-role-controller", "strato-role-router")), features.installCalls);
        assertEquals(List.of(), roles.add(List.of("web"), false), "nothing to do when every role is there");
        assertEquals(1, features.installCalls.size());
    }

    @Test
    void changedGroupsApplyWithoutARestartAndReplaceBuiltInOnesOfTheSameName() throws RoleException {
        roles.modified(Map.of("edge", "router", "micro-cloud", "base controller"));
        assertEquals(List.of("router"), roles.add(List.of("edge"), false));
        assertEquals(List.of("base", "controller"), roles.add(List.of("micro-cloud"), false));
        RoleException gone = assertThrows(RoleException.class, () -> roles.add(List.of("web"), false));
        assertTrue(gone.getMessage().startsWith("unknown role or group: web"), gone.getMessage());
    }

    @Test
    void aGroupNamingAnUnknownRoleSaysWhereItComesFrom() {
        roles.modified(Map.of("broken", "controller, dae"));
        RoleException e = assertThrows(RoleException.class, () -> roles.add(List.of("broken"), false));
        assertTrue(e.getMessage().startsWith("role group broken (etc/io.strato.rolegroups.cfg) names unknown role dae"),
                e.getMessage());
        assertEquals(List.of(), features.installCalls);
    }

    @Test
    void baseCannotBeRemoved() {
        features.installed.add("strato-role-base");
        RoleException e = assertThrows(RoleException.class, () -> roles.remove(List.of("base", "router")));
        assertEquals("the base role is mandatory on every node and cannot be removed; to take this node out of the "
                + "cluster use kato:node-detach", e.getMessage());
        assertEquals(List.of(), features.uninstallCalls);
    }

    @Test
    void baseUninstalledBehindStratosBackIsInstalledAgain() throws InterruptedException {
        features.installed.add("strato-role-base");
        IllegalStateException told = assertThrows(IllegalStateException.class,
                () -> features.fire(FeatureEvent.EventType.FeatureUninstalled, "strato-role-base"));
        assertTrue(told.getMessage().startsWith("the base role is mandatory on every node: strato-role-base is being "
                + "installed again"), told.getMessage());
        assertEquals("strato-role-base", features.singleInstalls.poll(30, TimeUnit.SECONDS));
    }

    @Test
    void removingARoleUninstallsItsFeatureAndOnlyInstalledRolesCanBe() throws RoleException {
        features.installed.addAll(List.of("strato-role-base", "strato-role-router"));
        RoleException absent = assertThrows(RoleException.class, () -> roles.remove(List.of("controller")));
        assertEquals("not installed on this node: controller; installed roles: base, router", absent.getMessage());

        assertEquals(List.of("router"), roles.remove(List.of("router")));
        assertEquals(List.of(Set.of("strato-role-router")), features.uninstallCalls);
    }

    @Test
    void thePrimaryRoleWaitsForTheCluster() {
        RoleException e = assertThrows(RoleException.class, () -> roles.add(List.of("primary"), false));
        assertEquals("the cluster is not reachable from this node yet; try again in a few seconds", e.getMessage());
        assertEquals(List.of(), features.installCalls);
    }

    @Test
    void aSecondPrimaryIsRefusedWithTheClustersReasonAndNothingIsInstalled() {
        List<Boolean> forced = new ArrayList<>();
        roles.bindPrimaryGuard(force -> {
            forced.add(force);
            return Optional.of("node-b is the primary of this cluster; remove the role there first");
        });
        RoleException e = assertThrows(RoleException.class, () -> roles.add(List.of("micro-cloud"), true));
        assertEquals("node-b is the primary of this cluster; remove the role there first", e.getMessage());
        assertEquals(List.of(true), forced);
        assertEquals(List.of(), features.installCalls, "not even the group's other roles");
    }

    @Test
    void anAdmittedPrimaryIsInstalledAndReportedOnceActive() throws RoleException {
        roles.bindPrimaryGuard(force -> Optional.empty());
        features.onInstall = names -> roles.bindRole(role("primary"));
        assertEquals(List.of("primary"), roles.add(List.of("primary"), false));
        features.installed.add("strato-role-primary");
        assertEquals(Map.of("primary", RoleState.ACTIVE), roles.states());
    }

    @Test
    void aPrimaryTheClusterRefusesOnActivationIsRolledBackAndTheRefusalShown() throws Exception {
        roles.bindPrimaryGuard(force -> Optional.empty());
        String reason = "node-b claimed the primary role first";
        features.onInstall = names -> {
            features.installed.addAll(names);
            roles.refuse("primary", reason);
        };
        RoleException e = assertThrows(RoleException.class, () -> roles.add(List.of("primary"), false));
        assertEquals(reason, e.getMessage());
        assertEquals(Map.of("primary", reason), roles.refusals());
        assertEquals(RoleState.REFUSED, roles.states().get("primary"));
        assertEquals("strato-role-primary", features.singleUninstalls.poll(30, TimeUnit.SECONDS));
        // feature:install of a refused role fails with the same reason
        IllegalStateException install = assertThrows(IllegalStateException.class,
                () -> features.fire(FeatureEvent.EventType.FeatureInstalled, "strato-role-primary"));
        assertEquals(reason, install.getMessage());
    }

    @Test
    void aPrimaryThatSteppedDownStaysInstalledButShowsRefusedUntilRemoved() {
        features.installed.add("strato-role-primary");
        Role primary = role("primary");
        roles.bindRole(primary);
        roles.standBy("primary", "another node holds a newer epoch");
        assertEquals(RoleState.REFUSED, roles.states().get("primary"));
        assertEquals(Map.of("primary", "another node holds a newer epoch"), roles.refusals());
        assertEquals(List.of(), features.uninstallCalls, "its feature stays");
        roles.unbindRole(primary);
        assertEquals(RoleState.INACTIVE, roles.states().get("primary"));
    }

    private static Role role(String name) {
        return new Role() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String description() {
                return name + " role";
            }
        };
    }

    private static Feature feature(String name, String... dependencies) {
        List<Dependency> deps = new ArrayList<>();
        for (String dependency : dependencies) {
            deps.add(proxy(Dependency.class, (method, args) -> method.equals("getName") ? dependency : null));
        }
        return proxy(Feature.class, (method, args) -> switch (method) {
            case "getName" -> name;
            case "getDescription" -> name + " description";
            case "getDependencies" -> deps;
            default -> null;
        });
    }

    private interface Answer {
        Object answer(String method, Object[] args) throws Exception;
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, Answer answer) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> {
            if (method.getName().equals("toString")) {
                return type.getSimpleName();
            }
            return answer.answer(method.getName(), args);
        });
    }

    /** Karaf's feature service as far as roles use it: the features known, those installed, what was asked. */
    private static final class Features {
        final List<Feature> all;
        final Set<String> installed = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final List<Set<String>> installCalls = new CopyOnWriteArrayList<>();
        final List<Set<String>> uninstallCalls = new CopyOnWriteArrayList<>();
        final BlockingQueue<String> singleInstalls = new LinkedBlockingQueue<>();
        final BlockingQueue<String> singleUninstalls = new LinkedBlockingQueue<>();
        final List<FeaturesListener> listeners = new CopyOnWriteArrayList<>();
        volatile Consumer<Set<String>> onInstall = installed::addAll;
        final FeaturesService service;

        Features(Feature... all) {
            this.all = List.of(all);
            this.service = proxy(FeaturesService.class, this::answer);
        }

        @SuppressWarnings("unchecked")
        private Object answer(String method, Object[] args) {
            return switch (method) {
                case "registerListener" -> listeners.add((FeaturesListener) args[0]);
                case "unregisterListener" -> listeners.remove((FeaturesListener) args[0]);
                case "listFeatures" -> all.toArray(Feature[]::new);
                case "listInstalledFeatures" -> all.stream().filter(f -> installed.contains(f.getName())).toArray(Feature[]::new);
                case "installFeatures" -> {
                    Set<String> names = Set.copyOf((Collection<String>) args[0]);
                    installCalls.add(names);
                    onInstall.accept(names);
                    yield null;
                }
                case "uninstallFeatures" -> {
                    Set<String> names = Set.copyOf((Collection<String>) args[0]);
                    uninstallCalls.add(names);
                    installed.removeAll(names);
                    yield null;
                }
                case "installFeature" -> singleInstalls.add((String) args[0]);
                case "uninstallFeature" -> singleUninstalls.add((String) args[0]);
                default -> throw new UnsupportedOperationException(method);
            };
        }

        void fire(FeatureEvent.EventType type, String name) {
            Feature feature = all.stream().filter(f -> f.getName().equals(name)).findFirst().orElseThrow();
            for (FeaturesListener listener : listeners) {
                listener.featureEvent(new FeatureEvent(type, feature, null, false));
            }
        }
    }
}
