import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** A server for the supervision tests that needs nothing but the JDK running them: accepts and closes connections. */
public class TinyServer {
    public static void main(String[] args) throws Exception {
        try (ServerSocket server = new ServerSocket(Integer.parseInt(args[0]), 50, InetAddress.getByName("127.0.0.1"))) {
            while (true) {
                try (Socket client = server.accept()) {
                    client.getOutputStream().flush();
                }
            }
        }
    }
}
