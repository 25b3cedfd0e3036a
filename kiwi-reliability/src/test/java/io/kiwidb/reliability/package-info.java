/**
 * The reliability suite (issue 12): whole-engine tests that crash, corrupt, starve and fuzz kiwi-db
 * and check that no acknowledged write is lost and no wrong value is returned. Fast versions run in
 * the default build; long versions carry the {@code soak} tag and run with {@code -Psoak}. Findings
 * and figures are in {@code docs/reliability.md}.
 */
package io.kiwidb.reliability;
