package io.kiwidb.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Checks a module's descriptor from its own tests: what it exports, and that every {@code provides}
 * clause is mirrored by a {@code META-INF/services} file with the same providers (so classpath
 * users find the same implementations as module-path users).
 */
public final class ModuleDescriptors {
  private ModuleDescriptors() {}

  /**
   * The module's exports as {@code package} (unqualified) or {@code package to m1,m2} (qualified),
   * sorted.
   */
  public static Set<String> exports(Module module) {
    ModuleDescriptor d = descriptor(module);
    Set<String> out = new TreeSet<>();
    for (ModuleDescriptor.Exports e : d.exports()) {
      out.add(
          e.isQualified()
              ? e.source() + " to " + String.join(",", new TreeSet<>(e.targets()))
              : e.source());
    }
    return out;
  }

  /** Asserts the module exports exactly {@code expected} (in the form {@link #exports} gives). */
  public static void assertExports(Module module, Set<String> expected) {
    assertEquals(new TreeSet<>(expected), exports(module), module.getName() + " exports");
  }

  /**
   * Asserts that the module's {@code provides} clauses and its {@code META-INF/services} files name
   * the same providers for every service in {@code services}, and that it provides exactly the
   * services in {@code services}.
   */
  public static void assertProvidesMatchServiceFiles(Module module, Set<String> services) {
    ModuleDescriptor d = descriptor(module);
    Map<String, Set<String>> provides = new TreeMap<>();
    for (ModuleDescriptor.Provides p : d.provides()) {
      provides.put(p.service(), new TreeSet<>(p.providers()));
    }
    assertEquals(new TreeSet<>(services), provides.keySet(), module.getName() + " provides");
    for (String service : services) {
      Set<String> listed = serviceFile(module, service);
      assertEquals(
          provides.get(service),
          listed,
          "META-INF/services/" + service + " must list the same providers as module-info");
    }
  }

  /**
   * Asserts what every implementation module promises (Lucene's codec rule: the artifact holds the
   * implementation and its service entry, nothing else): it exports no package, provides exactly
   * {@code provider} for {@code spi} in module-info and in {@code META-INF/services}, and
   * ServiceLoader finds it under {@code name}.
   *
   * @return the provider instance ServiceLoader found, for further checks
   */
  public static <T extends io.kiwidb.api.spi.NamedProvider> T assertImplementationModule(
      Module module, Class<T> spi, Class<? extends T> provider, String name) {
    assertEquals(Set.of(), exports(module), module.getName() + " must export nothing");
    assertProvidesMatchServiceFiles(module, Set.of(spi.getName()));
    assertEquals(
        Set.of(provider.getName()),
        serviceFile(module, spi.getName()),
        module.getName() + " provides " + spi.getSimpleName());
    T found = io.kiwidb.api.spi.NamedProviders.all(spi).get(name);
    assertNotNull(found, "ServiceLoader finds no " + spi.getSimpleName() + " named " + name);
    assertEquals(provider, found.getClass(), "the " + name + " provider");
    return found;
  }

  /**
   * Asserts that {@code pkg}, a package a core module exports to the engine, is an API and nothing
   * else: every public type in it is an interface, a record, an enum, an exception, or a final
   * class without a public constructor (a holder of constants and static factories). So whoever
   * reads the package can depend on contracts and values, never on an implementation class.
   *
   * @return the public types found, by simple name
   */
  public static Set<String> assertApiPackage(Module module, String pkg) {
    assertTrue(module.getDescriptor().packages().contains(pkg), module.getName() + " has " + pkg);
    Set<String> found = new TreeSet<>();
    for (String cls : classesIn(module, pkg)) {
      Class<?> c;
      try {
        c = Class.forName(module, cls);
      } catch (LinkageError e) {
        throw new AssertionError("cannot load " + cls, e);
      }
      assertNotNull(c, "cannot load " + cls);
      if (!java.lang.reflect.Modifier.isPublic(c.getModifiers()) || c.getEnclosingClass() != null) {
        continue;
      }
      found.add(c.getSimpleName());
      boolean value = c.isInterface() || c.isRecord() || c.isEnum();
      boolean error = Throwable.class.isAssignableFrom(c);
      boolean holder =
          java.lang.reflect.Modifier.isFinal(c.getModifiers()) && c.getConstructors().length == 0;
      assertTrue(
          value || error || holder,
          pkg
              + " is exported as an API, but "
              + c.getName()
              + " is an implementation class (not an interface, record, enum, exception or"
              + " constructor-less final class)");
    }
    return found;
  }

  /** The binary names of the top-level and nested classes in one package of a named module. */
  private static Set<String> classesIn(Module module, String pkg) {
    String dir = pkg.replace('.', '/') + "/";
    Set<String> out = new TreeSet<>();
    var ref =
        module.getLayer().configuration().findModule(module.getName()).orElseThrow().reference();
    try (var reader = ref.open();
        var names = reader.list()) {
      names
          .filter(n -> n.startsWith(dir) && n.endsWith(".class"))
          .map(n -> n.substring(dir.length(), n.length() - ".class".length()))
          .filter(n -> !n.contains("/") && !n.equals("package-info"))
          .forEach(n -> out.add(pkg + "." + n));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static ModuleDescriptor descriptor(Module module) {
    assertTrue(module.isNamed(), "tests must run on the module path, but ran in " + module);
    ModuleDescriptor d = module.getDescriptor();
    assertNotNull(d);
    return d;
  }

  private static Set<String> serviceFile(Module module, String service) {
    try (InputStream in = module.getResourceAsStream("META-INF/services/" + service)) {
      assertNotNull(in, module.getName() + " lacks META-INF/services/" + service);
      try (BufferedReader r =
          new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        return r.lines()
            .map(line -> line.replaceFirst("#.*", "").trim())
            .filter(line -> !line.isEmpty())
            .collect(Collectors.toCollection(TreeSet::new));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The modules {@code module} needs at run time, sorted: its {@code requires} without the {@code
   * requires static} ones (compile-time annotations such as {@code @GuardedBy}).
   */
  public static SortedSet<String> runtimeRequires(Module module) {
    SortedSet<String> names = new TreeSet<>();
    for (ModuleDescriptor.Requires r : module.getDescriptor().requires()) {
      if (!r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC)) {
        names.add(r.name());
      }
    }
    return names;
  }
}
