package input

import (
	"errors"
	"fmt"
)

// UserError marks a mistake the user can fix in their input: the schema,
// the configuration, a flag, a data folder, a token or a URL. Commands exit
// with code 1 for it and show its message; every other error is an
// application error (exit code 2).
//
// It is the one user-error type of datagen: wrap an error with User or
// Userf where the mistake is detected, and classify with IsUser anywhere up
// the call chain (errors.As sees through any wrapping with %w).
type UserError struct{ Err error }

// Error returns the wrapped message unchanged.
func (e *UserError) Error() string { return e.Err.Error() }

// Unwrap returns the wrapped error.
func (e *UserError) Unwrap() error { return e.Err }

// UserFault reports true (see Fault).
func (e *UserError) UserFault() bool { return true }

// User wraps err as a *UserError, so that IsUser reports it. nil stays nil,
// and an error that IsUser already reports is returned as it is.
func User(err error) error {
	if err == nil || IsUser(err) {
		return err
	}
	return &UserError{Err: err}
}

// Userf formats a *UserError; %w wraps as in fmt.Errorf.
func Userf(format string, args ...any) error {
	return &UserError{Err: fmt.Errorf(format, args...)}
}

// Fault is implemented by the error types whose values know whether they
// are the user's fault: *UserError, and types of other packages whose answer
// depends on their content (an HTTP status, a list of failed tables).
type Fault interface {
	error
	UserFault() bool
}

// IsUser reports whether err is the user's mistake: the first error in its
// chain that implements Fault (a *UserError, or an error that judges
// itself) says so. An error that judges itself is not overruled by what it
// wraps: a list of failed tables is a user error only when every table
// failed by the user's fault.
func IsUser(err error) bool {
	var f Fault
	return errors.As(err, &f) && f.UserFault()
}
