/**
 * Test support: contract test bases for every SPI, and in-memory and fault-injecting file systems
 * for crash and failure tests.
 */
module io.kiwidb.testkit {
  requires transitive io.kiwidb.api;
  requires transitive org.junit.jupiter.api;

  exports io.kiwidb.testkit;
}
