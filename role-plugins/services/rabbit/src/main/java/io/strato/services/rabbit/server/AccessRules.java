package io.strato.services.rabbit.server;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.qpid.server.model.AccessControlProvider;
import org.apache.qpid.server.security.access.config.Property;
import org.apache.qpid.server.security.access.plugins.AclRule;

/**
 * The rule-based access control that lets a user open only its own virtual host: one
 * "ALLOW user ACCESS VIRTUALHOST name=..." rule per user, then the fixed rules. Rules are maps, as the
 * provider's "rules" attribute takes them.
 */
final class AccessRules {

    /**
     * After the per-user rules: nobody else opens a virtual host, and inside the one it opened a user may do
     * anything (AMQP reaches nothing outside its virtual host).
     */
    static final List<Map<String, Object>> FIXED = List.of(rule("ALL", "VIRTUALHOST", "ACCESS", Map.of(), "DENY_LOG"),
            rule("ALL", "ALL", "ALL", Map.of(), "ALLOW"));

    private final AccessControlProvider<?> provider;

    AccessRules(AccessControlProvider<?> provider) {
        this.provider = provider;
    }

    /** Lets {@code user} open {@code virtualHost} and no other, replacing the rule it had. */
    void allow(String user, String virtualHost) {
        List<Map<String, Object>> rules = userRulesWithout(user);
        rules.add(rule(user, "VIRTUALHOST", "ACCESS", Map.of(Property.NAME.name(), virtualHost), "ALLOW"));
        set(rules);
    }

    void remove(String user) {
        set(userRulesWithout(user));
    }

    /** The users allowed on {@code virtualHost}. */
    List<String> usersOf(String virtualHost) {
        List<String> users = new ArrayList<>();
        for (Map<String, Object> rule : userRules()) {
            if (virtualHost.equals(((Map<?, ?>) rule.get("attributes")).get(Property.NAME.name()))) {
                users.add((String) rule.get("identity"));
            }
        }
        return users;
    }

    private List<Map<String, Object>> userRulesWithout(String user) {
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Map<String, Object> rule : userRules()) {
            if (!user.equals(rule.get("identity"))) {
                rules.add(rule);
            }
        }
        return rules;
    }

    /** The "ALLOW user ACCESS VIRTUALHOST name=..." rules, as maps. */
    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> userRules() {
        Collection<AclRule> rules = (Collection<AclRule>) provider.getAttribute("rules");
        List<Map<String, Object>> result = new ArrayList<>();
        for (AclRule r : rules) {
            if (!"ALL".equals(r.getIdentity()) && "VIRTUALHOST".equals(r.getObjectType().name())
                    && "ACCESS".equals(r.getOperation().name()) && "ALLOW".equals(r.getOutcome().name())) {
                Map<String, Object> attributes = new LinkedHashMap<>();
                r.getAttributes().forEach((k, v) -> attributes.put(k.name(), v));
                result.add(rule(r.getIdentity(), "VIRTUALHOST", "ACCESS", attributes, "ALLOW"));
            }
        }
        return result;
    }

    private void set(List<Map<String, Object>> userRules) {
        List<Map<String, Object>> rules = new ArrayList<>(userRules);
        rules.addAll(FIXED);
        provider.setAttributes(new HashMap<>(Map.of("rules", rules)));
    }

    private static Map<String, Object> rule(String identity, String objectType, String operation, Map<String, Object> attributes,
                                            String outcome) {
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("identity", identity);
        rule.put("objectType", objectType);
        rule.put("operation", operation);
        rule.put("attributes", attributes);
        rule.put("outcome", outcome);
        return rule;
    }
}
