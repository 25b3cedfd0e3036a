/**
 * The db_bench-style runner and the whole-engine benchmarks (write amplification, heap bound,
 * recovery): black boxes that see kiwi-db through its public API only ({@link
 * io.kiwidb.api.KiwiDb}, found through ServiceLoader), side by side with RocksDB through RocksJava.
 * The microbenchmarks that reach into components are in {@code kiwi-bench-jmh}.
 */
module io.kiwidb.bench {
  requires io.kiwidb.api;
  requires HdrHistogram; // automatic module (file name), the runner's latencies
  requires java.management; // peak heap per workload (MemoryPoolMXBean), GC notifications
  requires jdk.management; // HeapBench: GC notification details
  requires rocksdbjni; // automatic module (org.rocksdb:rocksdbjni:linux64), baseline only
  requires io.kiwidb.kafka.streams; // Kafka Streams benchmark (io.kiwidb.bench.kafka)
  requires kafka.streams; // automatic modules (file names)
  requires kafka.clients;

  uses io.kiwidb.api.spi.EngineProvider;
}
