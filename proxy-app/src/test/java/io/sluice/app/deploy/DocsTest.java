package io.sluice.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the operator documentation honest about the CLI: every flag the docs show is a real flag, every sluice
 * command is a real command, and the configuration reference documents exactly the honoured fields
 * ({@link CliContract}).
 */
class DocsTest {

    private static final Pattern FLAG = Pattern.compile("(?<![\\w-])--[a-z][a-z0-9-]*");
    private static final Pattern OPTION_TOKEN = Pattern.compile("(?<![\\w-])--?[a-z][a-z0-9-]*");
    /** A sluice invocation in code: "sluice CMD ..." up to the end of the line or of the code span. */
    private static final Pattern INVOCATION = Pattern.compile("(?:^|[\\s/`])sluice\\s+([a-z][a-z-]*)([^`\\n|;&]*)");
    private static final Pattern CODE_SPAN = Pattern.compile("`([^`\\n]+)`");
    private static final Pattern FIELD_ROW = Pattern.compile("^\\|\\s*`([A-Za-z.]+)`\\s*\\|");

    private static String read(String doc) throws IOException {
        Path p = Environment.repoRoot().resolve("docs").resolve(doc);
        assertThat(p).as("docs/%s", doc).isRegularFile();
        return Files.readString(p);
    }

    /** Fenced code blocks (whole lines) plus inline code spans of the prose. */
    static List<String> codeOf(String markdown) {
        List<String> code = new ArrayList<>();
        boolean fenced = false;
        for (String line : markdown.split("\n", -1)) {
            if (line.stripLeading().startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            if (fenced) {
                code.add(line);
            } else {
                Matcher m = CODE_SPAN.matcher(line);
                while (m.find()) {
                    code.add(m.group(1));
                }
            }
        }
        return code;
    }

    /** Flags used on sluice invocations, and the subcommands invoked. */
    static void invocations(String markdown, Set<String> commands, Set<String> flags) {
        invocations(markdown, commands, flags, new TreeSet<>());
    }

    /**
     * As above, also collecting "command flag" pairs, so a flag can be checked against the options of the very
     * command it is given to.
     */
    static void invocations(String markdown, Set<String> commands, Set<String> flags, Set<String> commandFlags) {
        for (String code : codeOf(markdown)) {
            Matcher m = INVOCATION.matcher(code);
            while (m.find()) {
                commands.add(m.group(1));
                Matcher f = FLAG.matcher(m.group(2));
                while (f.find()) {
                    flags.add(f.group());
                    commandFlags.add(m.group(1) + " " + f.group());
                }
            }
        }
    }

    @Test
    void configuration_reference_mentions_only_real_flags_and_all_of_them() throws IOException {
        String doc = read("configuration.md");
        Set<String> mentioned = new TreeSet<>();
        Matcher m = FLAG.matcher(doc);
        while (m.find()) {
            mentioned.add(m.group());
        }

        assertThat(mentioned).as("flags in docs/configuration.md").isSubsetOf(CliContract.FLAGS);
        Set<String> tokens = new TreeSet<>();
        Matcher t = OPTION_TOKEN.matcher(doc);
        while (t.find()) {
            tokens.add(t.group());
        }
        for (Set<String> names : CliContract.SUBCOMMAND_OPTIONS) {
            assertThat(names).as("some name of option %s is documented in docs/configuration.md", names)
                    .containsAnyElementsOf(tokens);
        }
    }

    @Test
    void configuration_reference_documents_exactly_the_honoured_fields() throws IOException {
        String doc = read("configuration.md");
        String fieldsSection = doc.substring(doc.indexOf("\n## Fields"), doc.indexOf("\n## Flags"));
        Set<String> documented = new TreeSet<>();
        for (String line : fieldsSection.split("\n")) {
            Matcher m = FIELD_ROW.matcher(line);
            if (m.find()) {
                documented.add(m.group(1));
            }
        }

        assertThat(documented).containsExactlyInAnyOrderElementsOf(CliContract.CONFIG_FIELDS);
    }

    @Test
    void configuration_reference_defaults_are_the_defaults_sluice_applies(@TempDir Path dir) throws IOException {
        // What Sluice makes of a file that sets nothing: every default, written by --write-config-to.
        Path minimal = dir.resolve("minimal.conf");
        Files.writeString(minimal, "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\n");
        Path effective = dir.resolve("effective.yaml");
        int exit = io.sluice.app.SluiceMain.commandLine().execute("run", "--config", minimal.toString(),
                "--write-config-to", effective.toString());
        assertThat(exit).isZero();
        JsonNode defaults = new ObjectMapper(new YAMLFactory()).readTree(effective.toFile());

        String doc = read("configuration.md");
        String fieldsSection = doc.substring(doc.indexOf("\n## Fields"), doc.indexOf("\n## Flags"));
        int checked = 0;
        for (String line : fieldsSection.split("\n")) {
            Matcher row = FIELD_ROW.matcher(line);
            if (!row.find() || Set.of("apiVersion", "kind").contains(row.group(1))) {
                continue;
            }
            String[] cells = line.split("(?<!\\\\)\\|");
            String defaultCell = cells[2].trim();
            JsonNode value = defaults.at("/" + row.group(1).replace('.', '/'));
            if (value.isMissingNode() || value.isObject()) {
                continue;
            }
            String actual = value.isArray() ? (value.isEmpty() ? "[]" : value.toString())
                    : value.asText().isEmpty() ? "\"\"" : value.asText();
            Set<String> documented = new TreeSet<>();
            Matcher m = CODE_SPAN.matcher(defaultCell);
            while (m.find()) {
                documented.add(m.group(1));
            }
            if (documented.isEmpty()) {
                if (defaultCell.startsWith("empty")) {
                    assertThat(actual).as("default of %s (documented: %s)", row.group(1), defaultCell)
                            .isIn("[]", "\"\"");
                    checked++;
                }
                continue;
            }
            assertThat(documented).as("default of %s is %s", row.group(1), actual).contains(actual);
            checked++;
        }
        assertThat(checked).as("fields whose default was checked").isGreaterThanOrEqualTo(20);
    }

    @Test
    void debugging_and_configuration_invoke_sluice_only_with_real_commands_and_flags() throws IOException {
        for (String doc : List.of("configuration.md", "debugging.md", "operations.md", "migration.md")) {
            Set<String> commands = new TreeSet<>();
            Set<String> flags = new TreeSet<>();
            Set<String> commandFlags = new TreeSet<>();
            invocations(read(doc), commands, flags, commandFlags);

            assertThat(commands).as("sluice commands in docs/%s", doc).isNotEmpty().isSubsetOf(CliContract.COMMANDS);
            for (String commandFlag : commandFlags) {
                String[] parts = commandFlag.split(" ");
                assertThat(CliContract.OPTIONS_BY_COMMAND.get(parts[0]))
                        .as("options of 'sluice %s' (used in docs/%s)", parts[0], doc).contains(parts[1]);
            }
        }
    }

    @Test
    void debugging_guide_shows_dump_dry_run_and_the_kernel_comparison() throws IOException {
        String doc = read("debugging.md");
        Set<String> commands = new TreeSet<>();
        Set<String> flags = new TreeSet<>();
        invocations(doc, commands, flags);

        assertThat(commands).contains("dump", "run");
        assertThat(flags).contains("--dry-run", "--objects", "--backend");
        assertThat(doc).contains("iptables-save", "ipvsadm -Ln");
    }

    @Test
    void the_invocation_scanner_sees_flags_only_on_sluice_command_lines() {
        Set<String> commands = new TreeSet<>();
        Set<String> flags = new TreeSet<>();

        invocations("""
                Run `sluice dump --backend iptables --objects a.yaml` and compare with `iptables-save --counters`.
                ```
                kubectl -n kube-system exec ds/sluice -- sluice run --once --dry-run | grep -- --dport
                iptables -t nat -S KUBE-SERVICES --line-numbers
                ```
                """, commands, flags);

        assertThat(commands).containsExactlyInAnyOrder("dump", "run");
        assertThat(flags).containsExactlyInAnyOrder("--backend", "--objects", "--once", "--dry-run");
    }
}
