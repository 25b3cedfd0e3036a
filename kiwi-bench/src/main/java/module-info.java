/**
 * Benchmarks: db_bench-style workloads and JMH microbenchmarks, each comparing implementations (and
 * RocksDB) in one run. Run them from the class path with {@code bench/jmh}; JMH's generated code
 * and reflection need no module declarations there.
 */
module io.kiwidb.bench {
  requires io.kiwidb.api;
  requires io.kiwidb.fs;
  requires io.kiwidb.wal;
  requires io.kiwidb.memtable;
  requires io.kiwidb.sstable;
  requires io.kiwidb.compaction;
  requires io.kiwidb.engine; // db_bench-style runner and engine benchmarks
  requires HdrHistogram; // automatic module (file name), db_bench-style runner's latencies
  requires java.management; // peak heap per workload (MemoryPoolMXBean), GC notifications
  requires jdk.management; // HeapBench: GC notification details
  requires jmh.core;
  requires rocksdbjni; // automatic module (org.rocksdb:rocksdbjni:linux64), baseline only
  requires io.kiwidb.kafka.streams; // Kafka Streams benchmark (io.kiwidb.bench.kafka)
  requires kafka.streams; // automatic modules (file names)
  requires kafka.clients;
}
