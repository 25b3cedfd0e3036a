package io.kiwidb.memtable.heap;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;

/**
 * Object sizes on this JVM, computed from its header and reference widths, so memtables can charge
 * each entry the bytes it really retains without a library such as JOL.
 *
 * <p>Why arithmetic rather than measuring: a memtable must account for every insert in a few
 * nanoseconds, and the shapes it allocates are fixed (one node class, one or two arrays), so the
 * size of each shape is a constant once the layout is known. The layout comes from the HotSpot
 * flags that decide it ({@code UseCompressedOops}, {@code UseCompressedClassPointers}, {@code
 * UseCompactObjectHeaders}, {@code ObjectAlignmentInBytes}); when they cannot be read (another VM,
 * or {@code jdk.management} absent) it falls back to the common 64-bit layout (12-byte headers,
 * 8-byte alignment, 4-byte references below a 32 GiB heap, 8 above). The tests of each memtable
 * compare these figures with heap measured after a full GC (see {@code docs/memtable.md}).
 *
 * <p>The estimate for an instance is {@code align(header + sum of field widths)}: HotSpot packs
 * fields into the gap after a 12-byte header, so for the shapes used here this is exact.
 *
 * <p>Thread safety: immutable.
 */
public final class HeapLayout {
  /** The layout of the running JVM. */
  public static final HeapLayout CURRENT = detect();

  private final int headerBytes;
  private final int referenceBytes;
  private final int arrayHeaderBytes;
  private final int alignment;

  /**
   * A layout with explicit widths.
   *
   * @param headerBytes object header (mark word + class pointer)
   * @param referenceBytes one reference field
   * @param alignment object alignment, a power of two
   */
  public HeapLayout(int headerBytes, int referenceBytes, int alignment) {
    if (Integer.bitCount(alignment) != 1) {
      throw new IllegalArgumentException("alignment " + alignment + " is not a power of two");
    }
    this.headerBytes = headerBytes;
    this.referenceBytes = referenceBytes;
    this.alignment = alignment;
    // An array adds a 4-byte length; HotSpot starts the elements at a multiple of 8 (JDK 17) or
    // right after the length (compact headers); 8-aligning the base is exact for byte[] either
    // way once the whole object is aligned.
    this.arrayHeaderBytes = headerBytes + 4;
  }

  private static HeapLayout detect() {
    try {
      HotSpotDiagnosticMXBean hs =
          ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
      boolean compressedOops = flag(hs, "UseCompressedOops", true);
      boolean compressedClass = flag(hs, "UseCompressedClassPointers", true);
      boolean compactHeaders = flag(hs, "UseCompactObjectHeaders", false);
      int alignment = Integer.parseInt(hs.getVMOption("ObjectAlignmentInBytes").getValue());
      int header = compactHeaders ? 8 : compressedClass ? 12 : 16;
      return new HeapLayout(header, compressedOops ? 4 : 8, alignment);
    } catch (RuntimeException | LinkageError e) {
      // HotSpot turns compressed references off by itself for heaps of 32 GiB and more.
      boolean bigHeap = Runtime.getRuntime().maxMemory() >= (32L << 30);
      return new HeapLayout(12, bigHeap ? 8 : 4, 8);
    }
  }

  private static boolean flag(HotSpotDiagnosticMXBean hs, String name, boolean absent) {
    try {
      return Boolean.parseBoolean(hs.getVMOption(name).getValue());
    } catch (IllegalArgumentException unknownOnThisVm) {
      return absent;
    }
  }

  /** Bytes of one instance with the given fields, header and alignment padding included. */
  public long instance(int references, int longs, int ints, int bytes) {
    return align(headerBytes + (long) references * referenceBytes + longs * 8L + ints * 4L + bytes);
  }

  /** Bytes of a {@code byte[]} of this length. */
  public long byteArray(int length) {
    return align(arrayHeaderBytes + (long) length);
  }

  /** Bytes of an object array ({@code Object[]}, {@code Node[]}) of this length. */
  public long referenceArray(int length) {
    return align(arrayHeaderBytes + (long) length * referenceBytes);
  }

  /** The width of a reference field: 4 with compressed oops, otherwise 8. */
  public int referenceBytes() {
    return referenceBytes;
  }

  private long align(long size) {
    return (size + alignment - 1) & -(long) alignment;
  }

  @Override
  public String toString() {
    return "HeapLayout[header="
        + headerBytes
        + ", reference="
        + referenceBytes
        + ", alignment="
        + alignment
        + "]";
  }
}
