package ttl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every command's {@code --help} as printed at the default 80 columns: no file name, path or
 * option value is split across two lines (picocli's line breaker breaks after a dot inside a
 * word, "checkpoint." / "safetensors"), and no line is wider than the width. Every description
 * goes through picocli's format step: a lone percent sign makes it warn on stderr and print the
 * text raw (with "%n" left in), so every command's help is also run and its stderr checked.
 */
class HelpTextTest {

    private static final java.util.Set<String> EXTENSIONS =
            java.util.Set.of("safetensors", "json", "csv", "png", "md", "txt", "gz", "bin", "py", "pt", "tar", "cache", "lock", "tmp");

    private static void collect(CommandLine cl, List<CommandLine> out) {
        out.add(cl);
        for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
            if (e.getKey().equals(e.getValue().getCommandName())) collect(e.getValue(), out);
        }
    }

    @Test
    void noWordIsSplitAcrossLines() {
        List<CommandLine> all = new ArrayList<>();
        collect(new CommandLine(new Main()), all);
        assertTrue(all.size() > 15, "commands found: " + all.size());
        List<String> bad = new ArrayList<>();
        for (CommandLine cl : all) {
            String name = cl.getCommandSpec().qualifiedName();
            String[] lines = cl.getUsageMessage(CommandLine.Help.Ansi.OFF).split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i].stripTrailing();
                if (line.length() > cl.getUsageHelpWidth()) bad.add(name + ": wider than the usage width: " + line);
                if (i + 1 == lines.length) continue;
                String next = lines[i + 1].strip();
                // a dot (or slash) glued to the word before it, and the next line going on with a file
                // extension or the rest of a path: the breaker cut a token such as model.safetensors or ~/.cache
                String last = line.substring(line.lastIndexOf(' ') + 1);
                String first = next.split("[^A-Za-z0-9_]", 2)[0];
                boolean cut = last.length() >= 2 && !first.isEmpty()
                        && (last.endsWith(".") && EXTENSIONS.contains(first) || last.endsWith("/") && Character.isLowerCase(first.charAt(0)));
                if (cut) {
                    bad.add(name + ": \"" + line.strip() + "\" / \"" + next + "\"");
                }
            }
        }
        assertTrue(bad.isEmpty(), "help lines broken inside a word:\n" + String.join("\n", bad));
    }

    @Test
    void everyHelpFormatsWithoutWarnings() {
        List<CommandLine> all = new ArrayList<>();
        collect(new CommandLine(new Main()), all);
        List<String> bad = new ArrayList<>();
        for (CommandLine cl : all) {
            String name = cl.getCommandSpec().qualifiedName();
            List<String> args = new ArrayList<>(List.of(name.split(" ")));
            args.remove(0); // the root command's own name
            args.add("--help");
            Captured c = Captured.run(args.toArray(String[]::new));
            assertEquals(0, c.exit(), name + " --help: " + c.err());
            if (!c.err().isBlank()) bad.add(name + ": stderr: " + c.err().strip());
            if (c.out().contains("%n")) bad.add(name + ": an unformatted %n in its help");
        }
        assertTrue(bad.isEmpty(), String.join("\n", bad));
    }
}
