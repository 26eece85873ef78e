package io.strato.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintStream;

@Command(name = "env", description = "Show an app's environment: user variables, VCAP_SERVICES, VCAP_APPLICATION.")
public final class EnvCommand implements Runnable {

    @ParentCommand
    private Strato strato;

    @Parameters(paramLabel = "<name>")
    private String name;

    @Override
    public void run() {
        PrintStream out = strato.terminal().out();
        ControllerClient controller = strato.controller();
        JsonNode env = controller.env(controller.requireApp(name).guid());

        out.println("User-provided:");
        JsonNode user = env.path("environment_json");
        if (user.isEmpty()) {
            out.println("  (none)");
        }
        user.fields().forEachRemaining(e -> out.println("  " + e.getKey() + "=" + (e.getValue().isTextual()
                ? e.getValue().asText() : e.getValue().toString())));
        out.println();
        out.println("VCAP_SERVICES:");
        out.println(pretty(env.path("system_env_json").path("VCAP_SERVICES")));
        out.println();
        out.println("VCAP_APPLICATION:");
        out.println(pretty(env.path("application_env_json").path("VCAP_APPLICATION")));
    }

    private static String pretty(JsonNode node) {
        if (node.isMissingNode()) {
            return "  (none)";
        }
        try {
            return ApiClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            return node.toString();
        }
    }
}
