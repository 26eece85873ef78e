package io.strato.services.rabbit.server;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.qpid.server.model.BrokerModel;
import tools.jackson.databind.json.JsonMapper;

/**
 * The broker's first configuration, written as JSON for Broker-J's JSON store: one SCRAM-SHA-256 user store
 * (PLAIN allowed without TLS, as RabbitMQ clients log in with PLAIN), the AMQP port and the access rules. Used
 * only when the broker has no configuration yet; the store keeps what provisioning changes after that. JSON is
 * written with the Jackson the broker itself runs with, already on its class path.
 */
final class BrokerConfig {

    static final String AUTH_PROVIDER = "users";
    static final String ACL_PROVIDER = "vhost-access";
    /** Placeholders the stored configuration keeps, so a new host or port in the plugin's configuration applies at the next start. */
    static final String HOST_PROPERTY = "strato.rabbit.host";
    static final String PORT_PROPERTY = "strato.rabbit.port";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private BrokerConfig() {
    }

    static String initial() {
        Map<String, Object> users = new LinkedHashMap<>();
        users.put("name", AUTH_PROVIDER);
        users.put("type", "SCRAM-SHA-256");
        users.put("secureOnlyMechanisms", List.of());

        Map<String, Object> amqp = new LinkedHashMap<>();
        amqp.put("name", "AMQP");
        amqp.put("type", "AMQP");
        amqp.put("port", "${" + PORT_PROPERTY + "}");
        amqp.put("bindingAddress", "${" + HOST_PROPERTY + "}");
        amqp.put("authenticationProvider", AUTH_PROVIDER);
        amqp.put("virtualhostaliases", List.of(Map.of("name", "nameAlias", "type", "nameAlias")));

        Map<String, Object> acl = new LinkedHashMap<>();
        acl.put("name", ACL_PROVIDER);
        acl.put("type", "RuleBased");
        acl.put("defaultResult", "DENIED");
        acl.put("rules", AccessRules.FIXED);

        Map<String, Object> broker = new LinkedHashMap<>();
        broker.put("name", "strato-rabbit");
        broker.put("modelVersion", BrokerModel.MODEL_VERSION);
        broker.put("authenticationproviders", List.of(users));
        broker.put("ports", List.of(amqp));
        broker.put("accesscontrolproviders", List.of(acl));
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(broker);
    }

    /** A virtual host node's initial configuration: its virtual host keeps messages in the node's own store. */
    static String providedStoreVirtualHost(String name) {
        return JSON.writeValueAsString(Map.of("type", "ProvidedStore", "name", name));
    }
}
