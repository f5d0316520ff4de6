// Package component runs datagen as a Keboola Connection component: it
// reads the data folder (config.json, in/state.json, the KBC_* environment),
// generates the tables of the schema carried in the configuration's
// parameters, and writes what Keboola's output mapping reads: one CSV per
// node (or a sliced table for large ones) with its manifest in
// out/tables, plus out/state.json and out/usage.json.
//
// Errors follow the platform's exit-code contract: an input.UserError (bad
// configuration, bad schema) exits with 1 and its message is shown to the
// user; anything else is an application error and exits with 2.
package component

import "datagen/src/input"

// Exit codes of the component.
const (
	ExitOK          = 0
	ExitUserError   = 1
	ExitApplication = 2
)

// ExitCode maps an error to the exit code the platform expects.
func ExitCode(err error) int {
	switch {
	case err == nil:
		return ExitOK
	case input.IsUser(err):
		return ExitUserError
	}
	return ExitApplication
}
