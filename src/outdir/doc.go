// Package outdir owns the output folder of a run: the names of the files
// in it, the run's .metadata.json, and the transaction that makes a run's
// files visible all at once or not at all.
//
// # Names
//
// A table is one file named after its node id: <id>.csv, <id>.csv.gz or
// <id>.parquet; a part of a split run writes <id>/part-K-of-N.<ext> (K and
// N zero-padded, so that the table's folder reads as one table) and its
// manifest .metadata.part-K-of-N.json (TableFile, MetadataFile,
// FindFiles). Finalize checks that a folder holds all parts of one run
// and writes its .metadata.json.
//
// # Scratch folder
//
// Everything a run writes is staged in a scratch folder OUTSIDE the output
// folder and on the same filesystem, so that publishing is a rename:
// DefaultScratch(dir) is the hidden sibling folder "<parent>/.<base>.datagen-tmp"
// (for the component, whose output root is /data/out, that is
// /data/.out.datagen-tmp: under /data, which the platform mounts, but not
// under /data/out, every file of which is uploaded). Only when the parent
// of the output folder cannot be written does the scratch folder fall back
// to "<dir>/.datagen-tmp" inside it. Each run stages into its own
// subfolder "run-<random>" of the scratch folder, holding an advisory lock
// on it while the run lives (it is created as "init-<random>" and renamed
// once locked, so that runs into the same folder at the same time, such
// as the parts of a split run, never sweep each other); the folder is
// removed when the run commits or aborts, and the scratch folder too when
// it is left empty.
//
// # Commit protocol
//
// Tx.Commit publishes the staged entries (files, or folders such as a
// sliced table) in one transaction: for each entry it moves an earlier
// file of the same name aside into the run's scratch folder and renames
// the new one in; entries of the replaced folders (Options.Replace) that
// the run did not produce are moved aside too. The context is checked
// before every step and once more after the last: a cancellation, or any
// failure, rolls back (the new entries are removed and the earlier ones
// renamed back), so an earlier output in the same folder survives byte for
// byte. Only when the last check passes is the run committed (a marker
// file records it) and the earlier files deleted. Before its first rename
// the commit writes a journal of what it publishes into the run's folder:
// when the process is killed in the middle of a commit, the next run on
// the same folder finds the journal without the marker and rolls the
// commit back before anything else.
//
// # Object storage
//
// BeginRemote starts a transaction on a prefix in object storage: table
// files stream to their objects (Tx.Create; multipart uploads completed
// only by the commit), the small files are staged locally and uploaded by
// the commit after the tables, a part's manifest last. The commit keeps a
// journal object in the store (JournalFile), written before its first
// object appears and removed after its last: a failure or cancellation
// rolls back (the objects the commit published are deleted, the part's
// earlier manifest put back when it published none, the uploads
// aborted), and a journal that a killed process left is rolled forward or
// back by the next commit of the same part, by Finalize or by the start
// of a follow stream (RecoverRemote), so a part is whole (its manifest
// present) or absent.
//
// # Stale temporary files
//
// Begin sweeps what crashed runs left behind, and only that: run folders
// in the scratch folder that no live run holds locked (rolling back an
// interrupted commit first), and, in the output folders, hidden temporary
// files of the form ".<name>.tmp-<random>" (CreateTemp, MkdirTemp) that a
// killed atomic write or earlier versions left beside the final files.
package outdir
