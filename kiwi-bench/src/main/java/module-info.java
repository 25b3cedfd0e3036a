/** Benchmarks: db_bench-style workloads and JMH microbenchmarks. */
module io.kiwidb.bench {
  requires io.kiwidb.api;
}
