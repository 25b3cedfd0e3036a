/** The local file system: {@link io.kiwidb.fs.FileSystems#local()}. */
package io.kiwidb.fs;
