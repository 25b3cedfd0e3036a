package io.kiwidb.api.spi;

import io.kiwidb.api.InvalidConfigException;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Finds {@link NamedProvider} implementations through {@link ServiceLoader}. This module declares
 * {@code uses} for every SPI, so callers need not declare it themselves.
 *
 * <p>Thread safety: stateless; safe from any thread.
 */
public final class NamedProviders {
  private NamedProviders() {}

  /**
   * Every provider of {@code type} on the module or class path, by name.
   *
   * @throws IllegalStateException if two providers claim the same name
   */
  public static <T extends NamedProvider> Map<String, T> all(Class<T> type) {
    Map<String, T> byName = new TreeMap<>();
    for (T provider : ServiceLoader.load(type, NamedProviders.class.getClassLoader())) {
      T previous = byName.putIfAbsent(provider.name(), provider);
      if (previous != null) {
        throw new IllegalStateException(
            "two "
                + type.getSimpleName()
                + " providers are named '"
                + provider.name()
                + "': "
                + previous.getClass().getName()
                + " and "
                + provider.getClass().getName());
      }
    }
    return byName;
  }

  /**
   * The provider of {@code type} named {@code name}.
   *
   * @param configKey the config key that named it, for the error message
   * @throws InvalidConfigException if none has that name; the message lists the known names
   */
  public static <T extends NamedProvider> T find(Class<T> type, String configKey, String name) {
    Map<String, T> known = all(type);
    return select(known, configKey, name);
  }

  /**
   * Picks {@code name} from {@code known} providers.
   *
   * @throws InvalidConfigException if none has that name; the message lists the known names
   */
  public static <T> T select(Map<String, T> known, String configKey, String name) {
    T found = known.get(name);
    if (found == null) {
      throw new InvalidConfigException(
          configKey, name, "unknown implementation; known: " + known.keySet());
    }
    return found;
  }
}
