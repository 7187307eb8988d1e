// scan.h - `ndrscan scan`: bulk analysis of mbox files, maildirs, folders
// of exported bounces, gzip files and streams, in parallel.
//
// PURPOSE
//   Inputs are enumerated once (directories recursively, symlink loops
//   detected), read through mmap (regular files; pages are released once a
//   chunk is written, so memory stays bounded whatever the file size) or
//   streamed (gzip, stdin), split into messages, and grouped into chunks of
//   a few MB. Worker threads analyse chunks; one writer emits them in input
//   order, so the output is byte-for-byte the same as a single-threaded
//   run. One bad message is counted and listed with file@offset; it never
//   stops the run.
//
// PUBLIC FUNCTIONS
//   scan_main()  the subcommand: argv -> exit status
//
// DIAGNOSTICS
//   "ndrscan: error: FILE@OFFSET: reason" lines on stderr (with --errors),
//   and the failed-inputs section of the summary.
#pragma once

namespace ndrscan::bulk {

/// scan_main - parse the scan options and run; returns the exit status.
int scan_main(int argc, char** argv, const char* argv0);

/// summary_main - `ndrscan summary merge FILE...`: add shard summaries.
int summary_main(int argc, char** argv);

}  // namespace ndrscan::bulk
