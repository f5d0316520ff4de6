//go:build unix

package benchtest

import (
	"syscall"
	"time"
)

// ProcessCPU returns the user plus system CPU time of the process, so that
// benchmarks can report CPU cost independent of other load on the machine.
func ProcessCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
