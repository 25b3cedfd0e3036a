package io.kiwidb.engine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.Location;
import io.kiwidb.compaction.Compactor;
import io.kiwidb.fs.FileSystems;
import io.kiwidb.memtable.MemTableSet;
import io.kiwidb.sstable.TableStore;
import io.kiwidb.wal.WriteAheadLog;
import java.lang.module.ModuleReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The engine sees every component it drives (log, memtable set, table store, compaction jobs, file
 * system) through interfaces: of the component modules it may use interfaces, records, enums,
 * exceptions and constructor-less final classes (static factories and constants), never a class
 * that implements something. The module descriptors already keep implementation packages from the
 * engine; this catches a public implementation class left in an exported package.
 */
class EngineArchitectureTest {
  private static final String[] COMPONENTS = {
    "io.kiwidb.wal..",
    "io.kiwidb.memtable..",
    "io.kiwidb.sstable..",
    "io.kiwidb.compaction..",
    "io.kiwidb.fs.."
  };

  /** The engine's classes and the component modules', imported from their jars or directories. */
  private static JavaClasses imported() {
    List<Location> where = new ArrayList<>();
    for (Class<?> c :
        List.of(
            LsmEngine.class,
            WriteAheadLog.class,
            MemTableSet.class,
            TableStore.class,
            Compactor.class,
            FileSystems.class)) {
      Module m = c.getModule();
      ModuleReference ref =
          m.getLayer().configuration().findModule(m.getName()).orElseThrow().reference();
      where.add(Location.of(ref.location().orElseThrow()));
    }
    return new ClassFileImporter().importLocations(where);
  }

  private static final DescribedPredicate<JavaClass> IMPLEMENTATION_CLASS_OF_A_COMPONENT =
      new DescribedPredicate<>("an implementation class of a component module") {
        @Override
        public boolean test(JavaClass c) {
          if (!c.getPackage().getName().startsWith("io.kiwidb.")
              || !resideInComponent(c.getPackageName())) {
            return false;
          }
          boolean value = c.isInterface() || c.isRecord() || c.isEnum();
          boolean error = c.isAssignableTo(Throwable.class);
          boolean holder =
              c.getModifiers().contains(JavaModifier.FINAL)
                  && c.getConstructors().stream()
                      .noneMatch(k -> k.getModifiers().contains(JavaModifier.PUBLIC));
          return !(value || error || holder);
        }
      };

  private static boolean resideInComponent(String pkg) {
    for (String p : COMPONENTS) {
      String root = p.substring(0, p.length() - 2);
      if (pkg.equals(root) || pkg.startsWith(root + ".")) {
        return true;
      }
    }
    return false;
  }

  @Test
  void theEngineUsesTheComponentsThroughInterfacesOnly() {
    noClasses()
        .that()
        .resideInAPackage("io.kiwidb.engine..")
        .should()
        .dependOnClassesThat(IMPLEMENTATION_CLASS_OF_A_COMPONENT)
        .because("the engine composes components behind their interfaces (docs/decisions.md)")
        .check(imported());
  }

  /**
   * Guava is on the path only because Guice needs it (docs/decisions.md, "Slim runtime"): the
   * engine's own code must not start leaning on it, or it could never be dropped with Guice.
   */
  @Test
  void theEngineItselfUsesNoGuava() {
    noClasses()
        .that()
        .resideInAPackage("io.kiwidb..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("com.google.common..")
        .because("Guava is there for Guice only; the engine and its components use the JDK")
        .check(imported());
  }

  /** The rule is not vacuous: the engine does depend on each component, through its interface. */
  @Test
  void theEngineDependsOnEveryComponentInterface() {
    JavaClasses classes = imported();
    Set<String> used = new java.util.TreeSet<>();
    classes.stream()
        .filter(c -> c.getPackageName().startsWith("io.kiwidb.engine"))
        .forEach(
            c ->
                c.getDirectDependenciesFromSelf()
                    .forEach(d -> used.add(d.getTargetClass().getName())));
    for (Class<?> component :
        List.of(
            WriteAheadLog.class,
            MemTableSet.class,
            TableStore.class,
            Compactor.class,
            FileSystems.class)) {
      org.junit.jupiter.api.Assertions.assertTrue(
          used.contains(component.getName()), "the engine uses " + component.getSimpleName());
    }
  }
}
