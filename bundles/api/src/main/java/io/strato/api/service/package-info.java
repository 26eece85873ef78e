/**
 * The service-plugin SPI. A data service (postgresql, redis, ...) is a bundle with one Declarative
 * Services component implementing {@link io.strato.api.service.ServicePlugin}: its catalog entry, and
 * provision / bind / unbind / deprovision / health against a real server. Every node that runs plugins
 * offers them to the cluster through a service broker, so the controller never links a plugin's
 * classes and a third party's plugin on any node appears in the catalog. Bind and unbind get a
 * {@link io.strato.api.service.ServiceBinding}: the binding, its app and the uid the app runs as, which a
 * plugin grants access where its server cannot authenticate. See docs/service-plugins.md.
 */
@org.osgi.annotation.versioning.Version("0.2.0")
package io.strato.api.service;
