/** Test support for kiwi-db components. */
package io.kiwidb.testkit;
