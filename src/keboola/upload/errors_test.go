package upload

import (
	"errors"
	"fmt"
	"testing"

	"datagen/src/input"
	"datagen/src/keboola/storage"
)

// TestTablesErrorFault: failed tables are a user error only when every
// table failed by the user's fault, whatever the errors they wrap.
func TestTablesErrorFault(t *testing.T) {
	user := input.User(errors.New("bad manifest"))
	denied := &storage.APIError{StatusCode: 403, Message: "forbidden"}
	down := &storage.APIError{StatusCode: 503, Message: "maintenance"}
	for _, tc := range []struct {
		name string
		errs []error
		want bool
	}{
		{"all user", []error{user, denied}, true},
		{"one server error", []error{user, down}, false},
		{"one plain error", []error{user, errors.New("disk full")}, false},
		{"none", nil, false},
	} {
		te := &TablesError{}
		for i, err := range tc.errs {
			te.Failed = append(te.Failed, TableResult{TableID: fmt.Sprintf("in.c-x.t%d", i), Err: err})
		}
		if got := input.IsUser(fmt.Errorf("upload: %w", te)); got != tc.want {
			t.Errorf("%s: IsUser = %v, want %v", tc.name, got, tc.want)
		}
	}
}
