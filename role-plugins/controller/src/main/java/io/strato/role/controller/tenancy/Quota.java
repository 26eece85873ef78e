package io.strato.role.controller.tenancy;

/**
 * A quota definition: of an organization ({@code orgGuid} null) or a space quota of an organization. Limits
 * in MB and counts; a negative limit is unlimited (Cloud Foundry writes -1).
 */
public record Quota(String guid, String name, String orgGuid, boolean nonBasicServicesAllowed, int totalServices,
                    int totalRoutes, int memoryLimit, int instanceMemoryLimit, int appInstanceLimit, long createdAt,
                    long updatedAt) {

    public Quota withLimits(String newName, boolean paid, int services, int routes, int memory, int instanceMemory,
                            int appInstances, long now) {
        return new Quota(guid, newName, orgGuid, paid, services, routes, memory, instanceMemory, appInstances,
                createdAt, now);
    }

    public static boolean limited(int limit) {
        return limit >= 0;
    }
}
