package io.strato.broker;

import com.fasterxml.jackson.jaxrs.json.JacksonJsonProvider;
import io.strato.api.app.Channels;
import io.strato.api.json.Json;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.cxf.Bus;
import org.apache.cxf.endpoint.Server;
import org.apache.cxf.jaxrs.JAXRSServerFactoryBean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A broker served over HTTP on CXF, with its catalog entries refreshed at a third of their life. */
final class BrokerServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerServer.class);

    private final ServiceBroker broker;
    private final Server server;
    private final ScheduledExecutorService scheduler;

    BrokerServer(ServiceBroker broker, String clusterSecret, Bus bus, String address) {
        this.broker = broker;
        JAXRSServerFactoryBean factory = new JAXRSServerFactoryBean();
        factory.setBus(bus);
        factory.setAddress(address);
        factory.setServiceBeans(List.of(new BrokerResource(broker)));
        factory.setProviders(List.of(new JacksonJsonProvider(Json.mapper()), new BrokerAuthFilter(clusterSecret)));
        this.server = factory.create();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "strato-broker");
            t.setDaemon(true);
            return t;
        });
        long refresh = Channels.OWNED_TTL.dividedBy(3).toMillis();
        scheduler.scheduleWithFixedDelay(this::advertise, refresh, refresh, TimeUnit.MILLISECONDS);
    }

    private void advertise() {
        try {
            broker.advertiseAll();
        } catch (RuntimeException e) {
            LOG.warn("catalog refresh failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        server.destroy();
        broker.withdrawAll();
    }
}
