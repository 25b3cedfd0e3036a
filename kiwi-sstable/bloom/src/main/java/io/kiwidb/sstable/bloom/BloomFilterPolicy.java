package io.kiwidb.sstable.bloom;

import io.kiwidb.api.spi.Coding;
import io.kiwidb.api.spi.FilterPolicy;
import io.kiwidb.sstable.filter.FilterHeader;
import io.kiwidb.sstable.filter.HashingBuilder;
import io.kiwidb.sstable.filter.KeyHash;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code bloom}: a cache-local (blocked) Bloom filter. Each key picks one 512-bit block (the size
 * of a cache line) from its hash and sets {@code k} bits inside it, so a lookup touches one block
 * (one line, or two where the JVM's 16-byte array alignment splits it) whatever {@code k} is, where
 * a classic Bloom filter touches {@code k} lines. The price is a higher false-positive rate at
 * equal size, because blocks are unevenly loaded; {@link BloomGeometry} sizes the filter with that
 * penalty counted, so {@link #expectedFalsePositiveRate} is what the filter measures (at 1% it
 * costs 9.92 bits per key with 6 probes, against 9.59 bits for an unblocked filter).
 *
 * <p>Probes: the key hash is remixed with the header's seed to {@code x}; the block is {@code
 * fastRange(x >>> 32, numBlocks)}; a 64-bit linear congruential sequence seeded by {@code x} gives
 * the bit of each probe in its top 9 bits (the high bits of an LCG are its well-distributed ones,
 * and stepping it first keeps them independent of the block choice).
 *
 * <p>Encoding: a {@link FilterHeader} (kind 'B', param1 = probes, param2 = 9) then the blocks, each
 * 8 little-endian 64-bit words; see {@code docs/format/filters.md}.
 *
 * <p>Thread safety: the policy is stateless apart from a concurrent cache of geometries; readers
 * are immutable.
 */
public final class BloomFilterPolicy implements FilterPolicy {
  static final byte KIND = 'B';
  static final int LOG2_BLOCK_BITS = 9;
  static final int MAX_PROBES_READ = 32;
  static final long LCG_MUL = 0x5851F42D4C957F2DL;
  static final long LCG_ADD = 0x14057B7EF767814FL;

  /** Largest block count whose encoding fits one Java array. */
  static final int MAX_BLOCKS = (Integer.MAX_VALUE - 8 - FilterHeader.LENGTH) / 64;

  private final ConcurrentHashMap<Double, BloomGeometry> geometries = new ConcurrentHashMap<>();

  /** Creates the policy (ServiceLoader does this). */
  public BloomFilterPolicy() {}

  @Override
  public String name() {
    return "bloom";
  }

  @Override
  public Builder builder(double falsePositiveRate) {
    return new BloomBuilder(geometry(falsePositiveRate));
  }

  @Override
  public double expectedFalsePositiveRate(double target) {
    return geometry(target).falsePositiveRate();
  }

  /** The geometry used for a target rate. */
  BloomGeometry geometry(double target) {
    return geometries.computeIfAbsent(HashingBuilder.checkRate(target), BloomGeometry::forTarget);
  }

  @Override
  public Reader reader(byte[] filter) {
    FilterHeader h = FilterHeader.parse(filter, KIND, name());
    if (h.param1() < 1 || h.param1() > MAX_PROBES_READ) {
      throw new IllegalArgumentException(
          "bloom filter header: probe count "
              + h.param1()
              + " outside [1, "
              + MAX_PROBES_READ
              + "]");
    }
    if (h.param2() != LOG2_BLOCK_BITS) {
      throw new IllegalArgumentException(
          "bloom filter header: block size 2^" + h.param2() + " bits, expected 2^9");
    }
    h.checkLength(filter, 64, name());
    long[] bits = new long[h.numBlocks() * 8];
    for (int i = 0; i < bits.length; i++) {
      bits[i] = Coding.getLong(filter, FilterHeader.LENGTH + 8 * i);
    }
    return new BloomReader(bits, h.numBlocks(), h.param1(), h.seed());
  }

  /** Sets a key's probe bits in {@code bits}; shared by builder and reader so they cannot drift. */
  static void set(long[] bits, int numBlocks, int probes, long hash, long seed) {
    long x = KeyHash.remix(hash, seed);
    int base = KeyHash.fastRange(x >>> 32, numBlocks) << 3;
    long g = x;
    for (int p = 0; p < probes; p++) {
      g = g * LCG_MUL + LCG_ADD;
      int bit = (int) (g >>> 55);
      bits[base + (bit >>> 6)] |= 1L << bit;
    }
  }

  private static final class BloomBuilder extends HashingBuilder {
    private final BloomGeometry geometry;

    BloomBuilder(BloomGeometry geometry) {
      this.geometry = geometry;
    }

    @Override
    public byte[] finish() {
      long[] hashes = take();
      long blocks =
          hashes.length == 0
              ? 0
              : (long) Math.ceil(hashes.length * geometry.bitsPerKey() / BloomGeometry.BLOCK_BITS);
      if (blocks > MAX_BLOCKS) {
        throw new IllegalStateException(
            "bloom filter for " + hashes.length + " keys would exceed " + MAX_BLOCKS + " blocks");
      }
      int numBlocks = (int) blocks;
      long seed = 0; // a blocked Bloom filter never needs to retry, so one fixed seed suffices
      long[] bits = new long[numBlocks * 8];
      for (long hash : hashes) {
        set(bits, numBlocks, geometry.probes(), hash, seed);
      }
      byte[] out = new byte[FilterHeader.LENGTH + bits.length * 8];
      new FilterHeader(
              KIND, FilterHeader.VERSION, geometry.probes(), LOG2_BLOCK_BITS, numBlocks, seed)
          .writeTo(out);
      for (int i = 0; i < bits.length; i++) {
        Coding.putLong(out, FilterHeader.LENGTH + 8 * i, bits[i]);
      }
      return out;
    }
  }

  /**
   * A decoded bloom filter. Invariants: {@code bits.length == 8 * numBlocks}; never modified after
   * construction.
   */
  private static final class BloomReader implements Reader {
    private final long[] bits;
    private final int numBlocks;
    private final int probes;
    private final long seed;

    BloomReader(long[] bits, int numBlocks, int probes, long seed) {
      this.bits = bits;
      this.numBlocks = numBlocks;
      this.probes = probes;
      this.seed = seed;
    }

    @Override
    public boolean mayContain(byte[] key) {
      if (numBlocks == 0) {
        return false;
      }
      long x = KeyHash.remix(KeyHash.hash64(key), seed);
      int base = KeyHash.fastRange(x >>> 32, numBlocks) << 3;
      long g = x;
      for (int p = 0; p < probes; p++) {
        g = g * LCG_MUL + LCG_ADD;
        int bit = (int) (g >>> 55);
        if ((bits[base + (bit >>> 6)] & (1L << bit)) == 0) {
          return false;
        }
      }
      return true;
    }

    @Override
    public String toString() {
      return "BloomFilter[blocks=" + numBlocks + ", probes=" + probes + "]";
    }
  }
}
