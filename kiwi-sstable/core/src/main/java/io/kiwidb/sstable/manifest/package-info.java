/**
 * The level structure: which table files make up each level, recorded in a manifest (a checksummed
 * log of {@link io.kiwidb.sstable.manifest.VersionEdit}s plus a {@code CURRENT} pointer), the
 * immutable {@link io.kiwidb.sstable.manifest.Version}s readers pin, and the {@link
 * io.kiwidb.sstable.manifest.VersionSet} that installs edits and deletes table files once no
 * version references them. Byte layout: {@code docs/format/manifest.md}.
 */
package io.kiwidb.sstable.manifest;
