package org.comangraph.neo4j;

import java.nio.file.Files;
import java.nio.file.Path;
import org.neo4j.cli.ExecutionContext;
import org.neo4j.commandline.admin.security.SetInitialPasswordCommand;
import org.neo4j.server.CommunityEntryPoint;
import picocli.CommandLine;

/**
 * Starts a Neo4j Community server for coman-graph.
 *
 * <p>Usage: {@code Launcher HOME CONF PASSWORD_FILE}. On the first start (no system database
 * yet) the password of user {@code neo4j} is set from PASSWORD_FILE, in this process, the way
 * {@code neo4j-admin dbms set-initial-password} does it, so the secret never appears on a
 * command line. Then the server runs with the settings of {@code CONF/neo4j.conf} until
 * SIGTERM, on which Neo4j shuts down cleanly.
 */
public final class Launcher {
    private Launcher() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: Launcher HOME CONF PASSWORD_FILE");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        Path conf = Path.of(args[1]).toAbsolutePath();
        Path passwordFile = Path.of(args[2]).toAbsolutePath();
        if (!Files.isDirectory(home.resolve("data").resolve("databases").resolve("system"))) {
            String password = Files.readString(passwordFile).strip();
            SetInitialPasswordCommand command =
                    new SetInitialPasswordCommand(new ExecutionContext(home, conf));
            CommandLine.populateCommand(command, "--", password); // a password may begin with "-"
            command.execute();
        }
        CommunityEntryPoint.main(
                new String[] {"--home-dir", home.toString(), "--config-dir", conf.toString()});
    }
}
