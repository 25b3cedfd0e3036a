/**
 * LZ4 block compression through lz4-java (compression = lz4). Provides {@link
 * io.kiwidb.api.spi.Compressor}; exports nothing.
 */
module io.kiwidb.sstable.lz4 {
  requires io.kiwidb.api;
  requires io.kiwidb.sstable;
  requires org.lz4.java; // automatic module (at.yawk.lz4:lz4-java)

  provides io.kiwidb.api.spi.Compressor with
      io.kiwidb.sstable.lz4.Lz4Compressor;
}
