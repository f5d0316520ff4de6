// Package input is the toolkit every reader of user input shares: a
// path-aware JSON reader (Parse, Value, Object), one problem type located by
// JSON path (Problem, Problems, Reporter), one "did you mean" policy
// (Closest, DidYouMean), one user-error type with its classification
// (UserError, IsUser) and one secret masker (Secrets, Masker).
//
// The schema (package dsl), the behaviour blocks (package behavior) and the
// component configuration (package component) are all read with it, so that
// a mistake is reported the same way wherever it is made.
package input
