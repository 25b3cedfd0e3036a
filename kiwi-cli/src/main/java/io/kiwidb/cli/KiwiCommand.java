package io.kiwidb.cli;

import io.kiwidb.api.spi.CompactionStrategy;
import io.kiwidb.api.spi.Compressor;
import io.kiwidb.api.spi.EngineProvider;
import io.kiwidb.api.spi.FilterPolicy;
import io.kiwidb.api.spi.MemTableFactory;
import io.kiwidb.api.spi.NamedProviders;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The {@code kiwi} command: subcommands over a data directory. */
@Command(
    name = "kiwi",
    mixinStandardHelpOptions = true,
    versionProvider = KiwiCommand.Version.class,
    description = "kiwi-db: an embedded LSM-tree key-value store.",
    subcommands = {KiwiCommand.Info.class})
final class KiwiCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  /** The version from the jar manifest, or "dev" when run from classes. */
  static final class Version implements picocli.CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"kiwi " + version()};
    }
  }

  static String version() {
    // On the module path the compiler records the project version in the module descriptor.
    Module module = KiwiCommand.class.getModule();
    if (module.getDescriptor() != null && module.getDescriptor().rawVersion().isPresent()) {
      return module.getDescriptor().rawVersion().get();
    }
    String v = KiwiCommand.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /** {@code kiwi info}: the version, the data directory, and the installed implementations. */
  @Command(
      name = "info",
      mixinStandardHelpOptions = true,
      description = "Shows the version, the data directory and the installed implementations.")
  static final class Info implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--data",
        defaultValue = "./data",
        description = "The data directory (default: ${DEFAULT-VALUE}).")
    Path data;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      out.println("kiwi " + version());
      out.println(
          "data directory: "
              + data.toAbsolutePath().normalize()
              + (Files.isDirectory(data) ? "" : " (does not exist yet)"));
      boolean engine = ServiceLoader.load(EngineProvider.class).findFirst().isPresent();
      out.println("engine:              " + (engine ? "io.kiwidb.engine" : "not installed"));
      out.println("memtable_impl:       " + NamedProviders.all(MemTableFactory.class).keySet());
      out.println("filter_policy:       " + NamedProviders.all(FilterPolicy.class).keySet());
      out.println("compaction_strategy: " + NamedProviders.all(CompactionStrategy.class).keySet());
      out.println("compression:         " + NamedProviders.all(Compressor.class).keySet());
      out.flush();
      return 0;
    }
  }
}
