package upload

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"datagen/src/input"
	"datagen/src/keboola/storage"
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
	var unknown *unknownImport
	for _, f := range e.Failed {
		if errors.As(f.Err, &unknown) {
			b.WriteString("\nrerun the same command: finished tables are not uploaded again, and an incremental import whose answer was lost is looked up in Storage's jobs, never sent twice")
			return b.String()
		}
	}
	b.WriteString("\nrerun the same command to upload the failed tables; finished tables are not uploaded again")
	return b.String()
}

// unknownImport is an incremental import whose answer was lost: Storage may
// have applied it, so it is not sent again until its job has been looked up
// (earlier: the lookup by a rerun failed too).
type unknownImport struct {
	fileID  int64
	earlier bool // found in the state of an earlier run
	err     error
}

func (e *unknownImport) Error() string {
	if e.earlier {
		what := "an earlier run sent an incremental import that Storage did not answer, and its job could not be looked up"
		if e.err != nil {
			what += " (" + e.err.Error() + ")"
		}
		return fmt.Sprintf("%s; it may have been applied, so it is not sent again: rerun later to look again, or look in Keboola for the table's import job "+
			"of file %d (Jobs, or the table's events); if it is not there, upload again with --restart, which loads the rows anew", what, e.fileID)
	}
	what := "Storage did not answer the incremental import"
	if e.err != nil {
		what += " (" + e.err.Error() + ")"
	}
	return fmt.Sprintf("%s; it may have been applied, so it is not sent again now: a rerun looks up the table's import job of file %d "+
		"in Storage, waits for it if it exists and sends the import only if Storage has no such job", what, e.fileID)
}

func (e *unknownImport) Unwrap() error { return e.err }

// mayHaveApplied reports whether a failed request may still have been
// carried out by Storage: no answer after it was sent, or a server error.
// A refusal (4xx) was certainly not applied.
func mayHaveApplied(err error) bool {
	var ae *storage.APIError
	if errors.As(err, &ae) {
		return ae.StatusCode >= 500 || ae.StatusCode == http.StatusRequestTimeout
	}
	return !errors.Is(err, context.Canceled)
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
