package io.strato.store;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** {@code etc/io.strato.store.cfg}. */
@ObjectClassDefinition(name = "Strato store", description = "The node's database")
public @interface StoreConfig {

    @AttributeDefinition(description = "JDBC URL; empty means embedded Derby under ${karaf.data}/strato/db")
    String url() default "";

    @AttributeDefinition(description = "Database user (empty for embedded Derby)")
    String user() default "";

    @AttributeDefinition(description = "Database password", type = org.osgi.service.metatype.annotations.AttributeType.PASSWORD)
    String password() default "";

    @AttributeDefinition(description = "Which JDBC driver to use: an LDAP filter on DataSourceFactory services")
    String dataSourceFactory_target() default "(osgi.jdbc.driver.class=org.apache.derby.jdbc.EmbeddedDriver)";
}
