package component

import (
	"fmt"
	"strings"

	"github.com/caarlos0/env/v11"
)

// Env is the environment the Keboola runner sets for a component (see
// the platform's common interface). Only KBC_DATADIR has a default; the
// rest are empty outside Keboola.
type Env struct {
	DataDir             string   `env:"KBC_DATADIR" envDefault:"/data"`
	RunID               string   `env:"KBC_RUNID"`
	ProjectID           string   `env:"KBC_PROJECTID"`
	ConfigID            string   `env:"KBC_CONFIGID"`
	ConfigVersion       string   `env:"KBC_CONFIGVERSION"`
	ConfigRowID         string   `env:"KBC_CONFIGROWID"`
	ComponentID         string   `env:"KBC_COMPONENTID"`
	StackID             string   `env:"KBC_STACKID"`
	BranchID            string   `env:"KBC_BRANCHID"`
	StagingFileProvider string   `env:"KBC_STAGING_FILE_PROVIDER"`
	FeatureGates        []string `env:"KBC_PROJECT_FEATURE_GATES" envSeparator:","`
	RunMode             string   `env:"KBC_COMPONENT_RUN_MODE"`
	// DataTypeSupport is set only in projects with native types:
	// authoritative, hints or none.
	DataTypeSupport string `env:"KBC_DATA_TYPE_SUPPORT"`
	// URL and Token are set only for components with token forwarding.
	URL         string `env:"KBC_URL"`
	Token       string `env:"KBC_TOKEN"`
	ProjectName string `env:"KBC_PROJECTNAME"`
	TokenID     string `env:"KBC_TOKENID"`
	TokenDesc   string `env:"KBC_TOKENDESC"`
	RealUser    string `env:"KBC_REALUSER"`
	LoggerAddr  string `env:"KBC_LOGGER_ADDR"`
	LoggerPort  string `env:"KBC_LOGGER_PORT"`
}

// ReadEnv reads the KBC_* environment. lookup, when not nil, replaces the
// process environment (for tests).
func ReadEnv(lookup map[string]string) (Env, error) {
	var e Env
	opts := env.Options{}
	if lookup != nil {
		opts.Environment = lookup
	}
	if err := env.ParseWithOptions(&e, opts); err != nil {
		return e, fmt.Errorf("reading the KBC_* environment: %w", err)
	}
	return e, nil
}

// InKeboola reports whether the run looks like a platform run (the runner
// always sets KBC_RUNID and KBC_COMPONENTID).
func (e Env) InKeboola() bool { return e.RunID != "" && e.ComponentID != "" }

// DebugMode reports whether the platform runs the job in debug mode
// (KBC_COMPONENT_RUN_MODE=debug), which turns on debug logging.
func (e Env) DebugMode() bool { return strings.EqualFold(e.RunMode, "debug") }
