package upload

import (
	"fmt"
	"strings"

	"datagen/src/input"
)

// TablesError reports the tables that failed while others may have succeeded.
type TablesError struct {
	// Failed holds the failed tables with their errors.
	Failed []TableResult
	// Succeeded lists the ids of tables that were uploaded (or already were).
	Succeeded []string
}

// Error lists every failed table with its reason.
func (e *TablesError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d of %d tables failed", len(e.Failed), len(e.Failed)+len(e.Succeeded))
	for _, f := range e.Failed {
		fmt.Fprintf(&b, "\n  %s (%s): %v", f.TableID, f.Source, f.Err)
	}
	if len(e.Succeeded) > 0 {
		fmt.Fprintf(&b, "\nsucceeded: %s", strings.Join(e.Succeeded, ", "))
	}
	b.WriteString("\nrerun the same command to upload the failed tables; finished tables are not uploaded again")
	return b.String()
}

// Unwrap returns the errors of the failed tables (for errors.Is / errors.As).
func (e *TablesError) Unwrap() []error {
	errs := make([]error, len(e.Failed))
	for i, f := range e.Failed {
		errs[i] = f.Err
	}
	return errs
}

// UserFault reports whether every failed table failed by the user's fault.
func (e *TablesError) UserFault() bool {
	for _, f := range e.Failed {
		if !input.IsUser(f.Err) {
			return false
		}
	}
	return len(e.Failed) > 0
}
