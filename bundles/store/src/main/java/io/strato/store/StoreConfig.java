package io.strato.store;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** {@code etc/io.strato.store.cfg}. */
@ObjectClassDefinition(name = "Strato store", description = "This node's database and the database the cluster's controllers share")
public @interface StoreConfig {

    @AttributeDefinition(description = "embedded: this node's Derby serves this node only (a micro cloud); "
            + "server: this node's Derby is served to the cluster by a Derby network server process; "
            + "client: the cluster database is the one a server node publishes; url: the cluster database is at url",
            options = {@Option(value = "embedded"), @Option(value = "server"), @Option(value = "client"), @Option(value = "url")})
    String mode() default "embedded";

    @AttributeDefinition(description = "mode=url: the cluster database's JDBC URL, e.g. jdbc:postgresql://db.example.com:5432/strato")
    String url() default "";

    @AttributeDefinition(description = "mode=url: database user")
    String user() default "";

    @AttributeDefinition(description = "mode=url: database password", type = AttributeType.PASSWORD)
    String password() default "";

    @AttributeDefinition(description = "mode=url: which JDBC driver, as an LDAP filter on DataSourceFactory services")
    String dataSourceFactory_target() default StoreComponent.DERBY_EMBEDDED;

    @AttributeDefinition(description = "mode=server: the address the network server listens on; empty means this node's cluster address")
    String serverHost() default "";

    @AttributeDefinition(description = "mode=server: the network server's TCP port")
    int serverPort() default StoreComponent.DEFAULT_SERVER_PORT;

    @AttributeDefinition(description = "Most connections this node keeps open to each database it uses (its embedded one, the cluster database)")
    int poolSize() default 10;
}
