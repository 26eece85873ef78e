package io.strato.core.internal;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

/**
 * Edits Cellar's {@code etc/hazelcast.xml}: the group name (from the cluster secret) and the tcp-ip
 * members to join. Everything else in the file (ports, interfaces, properties) stays the admin's.
 */
final class HazelcastXml {

    private final Path file;

    HazelcastXml(Path file) {
        this.file = file;
    }

    String groupName() throws IOException {
        Element group = child(load().getDocumentElement(), "group");
        Element name = group == null ? null : child(group, "name");
        return name == null ? "" : name.getTextContent().trim();
    }

    /**
     * The address this node is reached at: the first literal {@code <interface>} when interfaces are
     * enabled, else the {@code <public-address>}, else the host's address. Routes, blob store and broker
     * URLs that other nodes use are built on it.
     */
    String address() {
        try {
            Element network = child(load().getDocumentElement(), "network");
            if (network != null) {
                Element interfaces = child(network, "interfaces");
                if (interfaces != null && "true".equals(interfaces.getAttribute("enabled"))) {
                    for (Element i : children(interfaces, "interface")) {
                        String value = i.getTextContent().trim();
                        if (!value.contains("*") && !value.contains("-")) {
                            return value;
                        }
                    }
                }
                Element publicAddress = child(network, "public-address");
                if (publicAddress != null && !publicAddress.getTextContent().isBlank()) {
                    return publicAddress.getTextContent().trim().replaceFirst(":\\d+$", "");
                }
            }
            return java.net.InetAddress.getLocalHost().getHostAddress();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** First and last port this node's Hazelcast may listen on ({@code <port auto-increment port-count>}). */
    int[] portRange() throws IOException {
        Element network = child(load().getDocumentElement(), "network");
        Element port = network == null ? null : child(network, "port");
        int first = port == null || port.getTextContent().isBlank() ? MembershipManager.DEFAULT_PORT
                : Integer.parseInt(port.getTextContent().trim());
        boolean increment = port == null || !"false".equals(port.getAttribute("auto-increment").trim());
        int count = port == null || port.getAttribute("port-count").isBlank() ? 100 : Integer.parseInt(port.getAttribute("port-count").trim());
        return new int[] {first, increment ? Math.min(65535, first + count - 1) : first};
    }

    List<String> members() throws IOException {
        Element tcpIp = tcpIp(load());
        return tcpIp == null ? List.of() : children(tcpIp, "member").stream().map(e -> e.getTextContent().trim()).toList();
    }

    /** Rewrites group name and tcp-ip members; @return whether anything changed */
    boolean apply(String groupName, List<String> members) throws IOException {
        if (groupName.equals(groupName()) && members.equals(members())) {
            return false;
        }
        Document doc = load();
        Element root = doc.getDocumentElement();
        Element group = child(root, "group");
        if (group == null) {
            group = (Element) root.insertBefore(doc.createElementNS(root.getNamespaceURI(), "group"), root.getFirstChild());
        }
        Element name = child(group, "name");
        if (name == null) {
            name = (Element) group.appendChild(doc.createElementNS(root.getNamespaceURI(), "name"));
        }
        name.setTextContent(groupName);
        Element tcpIp = tcpIp(doc);
        if (tcpIp == null) {
            throw new IOException(file + " has no network/join/tcp-ip section; Strato joins nodes over tcp-ip");
        }
        tcpIp.setAttribute("enabled", "true");
        for (Element member : children(tcpIp, "member")) {
            tcpIp.removeChild(member);
        }
        for (String member : members) {
            Element m = doc.createElementNS(root.getNamespaceURI(), "member");
            m.setTextContent(member);
            tcpIp.appendChild(m);
        }
        save(doc);
        return true;
    }

    private Element tcpIp(Document doc) {
        Element network = child(doc.getDocumentElement(), "network");
        Element join = network == null ? null : child(network, "join");
        return join == null ? null : child(join, "tcp-ip");
    }

    private Document load() throws IOException {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            DocumentBuilder b = f.newDocumentBuilder();
            return b.parse(file.toFile());
        } catch (ParserConfigurationException | org.xml.sax.SAXException e) {
            throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private void save(Document doc) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), "hazelcast", ".xml.tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            Transformer t = TransformerFactory.newInstance().newTransformer();
            t.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            t.transform(new DOMSource(doc), new StreamResult(out));
        } catch (TransformerException e) {
            throw new IOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        PropertiesFile.moveAtomically(tmp, file);
    }

    private static Element child(Element parent, String localName) {
        List<Element> all = children(parent, localName);
        return all.isEmpty() ? null : all.get(0);
    }

    private static List<Element> children(Element parent, String localName) {
        NodeList nodes = parent.getChildNodes();
        java.util.ArrayList<Element> result = new java.util.ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node n = nodes.item(i);
            if (n instanceof Element e && localName.equals(e.getLocalName() == null ? e.getNodeName() : e.getLocalName())) {
                result.add(e);
            }
        }
        return result;
    }
}
