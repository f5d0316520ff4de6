// Package benchtest holds what the benchmarks of several packages share:
// the process's CPU time, which a shared machine distorts less than wall
// time.
package benchtest
