/**
 * Model-based runs (issue 9 tests, issue 12 item 8): seeded random op logs against a {@code
 * TreeMap} model across the memtable x filter x compaction matrix, with snapshots, long-lived
 * iterators, flushes, compactions, reopens and power cuts. {@link
 * io.kiwidb.reliability.model.ModelBasedTest} runs them; saved regression logs live in {@link
 * io.kiwidb.reliability.model.ModelRegressionTest}.
 */
package io.kiwidb.reliability.model;
