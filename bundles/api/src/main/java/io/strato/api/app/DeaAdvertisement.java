package io.strato.api.app;

import java.util.Objects;

/**
 * A DEA's offer to run instances.
 *
 * @param deaId         DEA id (the node id of its node)
 * @param nodeName      its node's name
 * @param address       the address its instances listen on
 * @param memoryTotalMb memory it may hand out to instances
 * @param memoryFreeMb  memory not yet reserved by running instances
 * @param instances     instances it runs now
 * @param advertisedAt  when the DEA wrote this (epoch millis): a new value with every refresh, so a reader sees
 *                      the DEA is alive by the entry changing, whatever the clocks of the two nodes say
 */
public record DeaAdvertisement(String deaId, String nodeName, String address, long memoryTotalMb,
                               long memoryFreeMb, int instances, long advertisedAt) {
    public DeaAdvertisement {
        Objects.requireNonNull(deaId, "deaId");
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(address, "address");
    }
}
