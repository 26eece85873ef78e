package io.strato.role.dea;

import io.strato.api.app.InstanceOrder;
import io.strato.api.sandbox.UidRange;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AppEgressTest {

    @Test
    void eachAppMayReachItsOwnServicesAndEveryAppTheRoutersBeforeTheClusterIsClosedToThem() {
        String services = "{\"redis\":[{\"credentials\":{\"host\":\"127.0.0.1\",\"port\":6400,\"password\":\"x\"}}],"
                + "\"filesystem\":[{\"credentials\":{\"dir\":\"/srv\"}}]}";
        InstanceOrder order = new InstanceOrder("dea", InstanceOrder.Action.START, "g", "a", "v", 0, "i", "http://d",
                64, 64, null, List.of(), Map.of(), services, 20005);
        AppEgress.Rules rules = AppEgress.rules(new UidRange(20000, 29999), List.of(order, order),
                List.of("127.0.0.1", "10.1.2.3", "::1"), List.of(8080, 8080));
        assertEquals(List.of(
                List.of("-p", "tcp", "--syn", "-m", "owner", "--uid-owner", "20000-29999", "--dport", "8080", "-j", "ACCEPT"),
                List.of("-p", "tcp", "--syn", "-m", "owner", "--uid-owner", "20000-29999", "-d", "127.0.0.0/8",
                        "--dport", "53", "-j", "ACCEPT"),
                List.of("-p", "tcp", "--syn", "-m", "owner", "--uid-owner", "20005", "-d", "127.0.0.1",
                        "--dport", "6400", "-j", "ACCEPT")), rules.allowed());
        assertEquals(List.of(
                List.of("-p", "tcp", "--syn", "-m", "owner", "--uid-owner", "20000-29999", "-d", "10.1.2.3",
                        "-j", "REJECT", "--reject-with", "tcp-reset"),
                List.of("-p", "tcp", "--syn", "-m", "owner", "--uid-owner", "20000-29999", "-d", "127.0.0.0/8",
                        "-j", "REJECT", "--reject-with", "tcp-reset")), rules.refused());
    }

    @Test
    void unreadableServicesGiveNothing() {
        assertTrue(VcapServices.hostPorts("not json").isEmpty());
        assertTrue(VcapServices.hostPorts(null).isEmpty());
    }
}
