package io.kiwidb.sstable;

import io.kiwidb.api.spi.Compressor;
import io.kiwidb.api.spi.FilterPolicy;
import io.kiwidb.api.spi.NamedProviders;
import io.kiwidb.sstable.compress.NoCompressor;
import io.kiwidb.sstable.table.TableReader;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The filter policies and compressors a {@link TableReader} may meet in the files it opens: a table
 * names its filter policy and tags each block with its codec's id, and the reader looks them up
 * here. The engine passes the implementations its injector knows (ServiceLoader's, plus any an
 * application bound itself), so a codec the store was configured with can always be read back.
 *
 * <p>A filter policy that is not here is not an error: the table is read without its filter
 * (correct, only slower). A codec id that is not here is: its blocks cannot be decoded.
 *
 * <p>Thread safety: immutable.
 *
 * @param filters by {@link FilterPolicy#name()}
 * @param compressors by {@link Compressor#id()}; always holds {@code none}
 */
public record TableCodecs(Map<String, FilterPolicy> filters, Map<Integer, Compressor> compressors) {
  private static volatile TableCodecs installed;

  /** Copies the maps and adds the {@code none} codec. */
  public TableCodecs {
    filters = Map.copyOf(filters);
    Map<Integer, Compressor> c = new HashMap<>(compressors);
    c.putIfAbsent(NoCompressor.ID, new NoCompressor());
    compressors = Map.copyOf(c);
  }

  /**
   * The codecs of the given implementations.
   *
   * @throws IllegalArgumentException if two compressors share an id
   */
  public static TableCodecs of(
      Collection<? extends FilterPolicy> filters, Collection<? extends Compressor> compressors) {
    Map<String, FilterPolicy> f = new TreeMap<>();
    filters.forEach(p -> f.put(p.name(), p));
    Map<Integer, Compressor> c = new HashMap<>();
    for (Compressor codec : compressors) {
      Compressor other = c.put(codec.id(), codec);
      if (other != null && !other.name().equals(codec.name())) {
        throw new IllegalArgumentException(
            "compressors " + other.name() + " and " + codec.name() + " share id " + codec.id());
      }
    }
    return new TableCodecs(f, c);
  }

  /** Every filter policy and compressor on the module or class path (found once per JVM). */
  public static TableCodecs installed() {
    TableCodecs all = installed;
    if (all == null) {
      all =
          of(
              NamedProviders.all(FilterPolicy.class).values(),
              NamedProviders.all(Compressor.class).values());
      installed = all;
    }
    return all;
  }

  /** No filter policies (tables open without their filters) and the installed compressors. */
  public TableCodecs withoutFilters() {
    return new TableCodecs(Map.of(), compressors);
  }

  /** The same compressors, with these filter policies only. */
  public TableCodecs withFilters(List<? extends FilterPolicy> policies) {
    return of(policies, compressors.values());
  }

  /** The policy named {@code name}, or {@code null} when it is not installed. */
  public FilterPolicy filter(String name) {
    return filters.get(name);
  }

  /** The codec with {@code id}, or {@code null} when it is not installed. */
  public Compressor compressor(int id) {
    return compressors.get(id);
  }
}
