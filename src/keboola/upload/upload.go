// Package upload loads a folder of Keboola output-mapping tables (CSV files,
// gzip files, sliced folders, with optional manifests) straight into
// Keboola Storage through the Storage API: it verifies the token, ensures
// buckets, uploads the bytes to the stack's file storage (S3, Azure Blob
// Storage or GCS), creates or imports tables, writes metadata, and records
// its progress so that a rerun after a failure resumes instead of loading
// data twice.
package upload

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/sirupsen/logrus"

	"datagen/src/input"
	"datagen/src/keboola/storage"
)

// DefaultProvider is the metadata provider (the component id) under which
// table and column metadata are written.
const DefaultProvider = "keboola.ex-datagen"

// Defaults for Options fields left zero.
const (
	DefaultParallelism      = 4
	DefaultSliceBytes       = 256 << 20
	DefaultPartSize         = 8 << 20
	DefaultProgressInterval = 10 * time.Second
)

// Options configure Run.
type Options struct {
	// URL is the Storage API URL of the stack, e.g. https://connection.keboola.com.
	URL string
	// Token is the Storage API token. It never appears in logs or errors.
	Token string
	// Dir holds the tables: <name>.csv (+ .manifest), <name>.csv.gz, or
	// <name>.csv/ folders of headless slices whose manifest gives columns.
	Dir string
	// Bucket is the destination bucket id, e.g. "in.c-datagen". Empty means
	// each manifest's destination decides.
	Bucket string
	// DefaultBucket is the bucket of a manifest whose destination is a bare
	// table name, as output mapping's default bucket is (the component
	// passes storage.output.default_bucket).
	DefaultBucket string
	// TablePrefix is prepended to every table name.
	TablePrefix string
	// Incremental forces incremental loads for all tables; otherwise each
	// manifest decides (default full load, which replaces the rows atomically).
	Incremental bool
	// Parallelism bounds the tables processed at once and the objects
	// uploaded at once (default 4; never above the project's jobs limit).
	Parallelism int
	// SliceBytes splits headed CSV files larger than this into gzip slices
	// uploaded in parallel (default 256 MiB; negative disables splitting).
	SliceBytes int64
	// PartSize is the multipart part / block size (default 8 MiB, min 5 MiB for S3).
	PartSize int64
	// CompressionLevel is the gzip level (default gzip.DefaultCompression).
	CompressionLevel int
	// Provider is the metadata provider; default DefaultProvider.
	Provider string
	// StateFile records finished tables for resuming; default: a file in
	// the user's cache directory keyed by stack, project and Dir.
	StateFile string
	// IgnoreState starts from scratch, uploading every table again.
	IgnoreState bool
	// Tags label the uploaded files in File Storage (default ["datagen"]).
	Tags []string
	// RunID is sent as X-KBC-RunId.
	RunID string
	// Logger receives progress (info), retries (warn) and details (debug).
	// Default: logrus standard logger (stderr).
	Logger logrus.FieldLogger
	// ProgressInterval is how often progress is logged (default 10 s).
	ProgressInterval time.Duration
	// HTTPClient is used for the Storage API (default: 5-minute timeout).
	HTTPClient *http.Client
	// PlainHTTP accepts an http:// URL for a host that is not a loopback
	// address (storage.WithPlainHTTP).
	PlainHTTP bool
	// Retry and Poll override the Storage API retry and job polling policies.
	Retry *storage.RetryPolicy
	Poll  *storage.PollPolicy
	// Endpoints override cloud storage endpoints (emulators and tests only).
	Endpoints Endpoints
	// BranchID is the branch of the platform job that uploads (KBC_BRANCHID;
	// the runner sets it for the default branch too). When set, the upload
	// is refused unless the branch is the project's default branch:
	// direct upload writes through the production Storage API paths, and a
	// development branch must never change production tables.
	BranchID string
	// ProjectID and StackID are the job's project (KBC_PROJECTID) and
	// Storage API host (KBC_STACKID). The branch can be looked up only with
	// a token of that project; with a token of another project the upload
	// is refused in a platform job.
	ProjectID, StackID string
}

// TableStatus is the outcome for one table.
type TableStatus string

// Table outcomes.
const (
	StatusUploaded TableStatus = "uploaded"
	StatusSkipped  TableStatus = "skipped" // finished by an earlier run
	StatusFailed   TableStatus = "failed"
)

// TableResult is what happened to one table.
type TableResult struct {
	TableID     string
	Source      string
	Status      TableStatus
	Created     bool
	Incremental bool
	Rows        int64
	SourceBytes int64
	SentBytes   int64
	FileID      int64
	JobIDs      []int64
	Duration    time.Duration
	Err         error
}

// Summary reports a run.
type Summary struct {
	Tables    []TableResult
	Rows      int64
	SentBytes int64
	Duration  time.Duration
	StateFile string
}

// Succeeded returns the ids of tables that are in Storage after the run.
func (s *Summary) Succeeded() []string {
	var ids []string
	for _, t := range s.Tables {
		if t.Status != StatusFailed {
			ids = append(ids, t.TableID)
		}
	}
	return ids
}

// Failed returns the results of failed tables.
func (s *Summary) Failed() []TableResult {
	var out []TableResult
	for _, t := range s.Tables {
		if t.Status == StatusFailed {
			out = append(out, t)
		}
	}
	return out
}

// runner holds the state of one Run.
type runner struct {
	opts    Options
	log     logrus.FieldLogger
	client  *storage.Client
	token   *storage.Token
	state   *runState
	redact  *input.Masker
	objects chan struct{} // semaphore for concurrent object uploads

	activeMu sync.Mutex
	active   map[string]*progress
}

// Run uploads the tables in opts.Dir. Everything that can be checked before
// sending data is checked first (files, manifests, token, permissions,
// buckets, column changes of existing tables), and all such problems are
// reported together. Then tables are uploaded in parallel; a failing table
// does not stop the others and never changes an existing table partially.
// The returned Summary is non-nil once uploading started; the error is a
// *TablesError when some tables failed. input.IsUser classifies errors.
func Run(ctx context.Context, opts Options) (*Summary, error) {
	start := time.Now()
	r, specs, existing, err := prepare(ctx, &opts)
	if err != nil {
		return nil, err
	}
	defer r.stopProgress()()

	sum := &Summary{StateFile: r.state.path, Tables: make([]TableResult, len(specs))}
	workers := opts.Parallelism
	if lim := r.token.JobsParallelism(); lim > 0 && lim < workers {
		workers = lim
	}
	sem := make(chan struct{}, workers)
	var wg sync.WaitGroup
	for i, spec := range specs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				sum.Tables[i] = TableResult{TableID: spec.tableID, Source: spec.source, Status: StatusFailed, Err: ctx.Err()}
				return
			}
			defer func() { <-sem }()
			sum.Tables[i] = r.uploadTable(ctx, spec, existing[spec.tableID])
		}()
	}
	wg.Wait()

	var failed []TableResult
	var ok []string
	for _, t := range sum.Tables {
		sum.Rows += t.Rows
		sum.SentBytes += t.SentBytes
		if t.Status == StatusFailed {
			failed = append(failed, t)
		} else {
			ok = append(ok, t.TableID)
		}
	}
	sum.Duration = time.Since(start)
	r.logSummary(sum, len(failed))
	if len(failed) > 0 {
		r.log.Infof("upload state kept in %s; rerun the same command to resume", r.state.path)
		return sum, &TablesError{Failed: failed, Succeeded: ok}
	}
	if err := r.state.remove(); err != nil {
		r.log.Warnf("could not remove upload state %s: %v", r.state.path, err)
	}
	return sum, nil
}

// prepare applies defaults and runs every check that needs no upload.
func prepare(ctx context.Context, opts *Options) (*runner, []*tableSpec, map[string]*storage.Table, error) {
	if opts.Logger == nil {
		opts.Logger = logrus.StandardLogger()
	}
	if opts.Parallelism <= 0 {
		opts.Parallelism = DefaultParallelism
	}
	if opts.SliceBytes == 0 {
		opts.SliceBytes = DefaultSliceBytes
	}
	if opts.PartSize <= 0 {
		opts.PartSize = DefaultPartSize
	}
	if opts.CompressionLevel == 0 {
		opts.CompressionLevel = gzip.DefaultCompression
	}
	if opts.Provider == "" {
		opts.Provider = DefaultProvider
	}
	if opts.ProgressInterval <= 0 {
		opts.ProgressInterval = DefaultProgressInterval
	}
	if opts.Tags == nil {
		opts.Tags = []string{"datagen"}
	}
	if opts.Dir == "" {
		return nil, nil, nil, input.Userf("no directory of tables given")
	}
	if opts.Bucket != "" {
		if _, _, err := storage.SplitBucketID(opts.Bucket); err != nil {
			return nil, nil, nil, input.User(err)
		}
	}
	red := input.NewMasker(opts.Token)
	r := &runner{opts: *opts, log: opts.Logger, redact: red, objects: make(chan struct{}, opts.Parallelism), active: map[string]*progress{}}

	absDir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("directory %s: %w", opts.Dir, err)
	}
	specs, warnings, err := scanDir(absDir, scanOptions{bucket: opts.Bucket, defaultBucket: opts.DefaultBucket,
		prefix: opts.TablePrefix, incremental: opts.Incremental})
	for _, w := range warnings {
		r.log.Warn(w)
	}
	if err != nil {
		return nil, nil, nil, err
	}
	for _, s := range specs {
		for _, w := range s.warnings {
			r.log.Warnf("%s: %s", s.source, w)
		}
	}

	copts := []storage.Option{storage.WithLogger(r.log), storage.WithUserAgent("datagen-upload")}
	if opts.HTTPClient != nil {
		copts = append(copts, storage.WithHTTPClient(opts.HTTPClient))
	}
	if opts.Retry != nil {
		copts = append(copts, storage.WithRetryPolicy(*opts.Retry))
	}
	if opts.Poll != nil {
		copts = append(copts, storage.WithPollPolicy(*opts.Poll))
	}
	if opts.RunID != "" {
		copts = append(copts, storage.WithRunID(opts.RunID))
	}
	if opts.PlainHTTP {
		copts = append(copts, storage.WithPlainHTTP())
	}
	r.client, err = storage.New(opts.URL, opts.Token, copts...)
	if err != nil {
		return nil, nil, nil, input.User(red.Error(err))
	}
	r.token, err = r.client.VerifyToken(ctx)
	if err != nil {
		err = red.Error(err)
		if input.IsUser(err) || storage.IsUnauthorized(err) {
			return nil, nil, nil, input.User(err)
		}
		return nil, nil, nil, err
	}
	r.log.WithFields(logrus.Fields{"project": r.token.Owner.Name, "projectId": string(r.token.Owner.ID),
		"fileStorage": r.token.Owner.FileStorageProvider, "token": r.token.Description}).Info("Storage API token verified")
	if err := r.checkBranch(ctx); err != nil {
		return nil, nil, nil, err
	}
	if r.token.ReadOnly() {
		return nil, nil, nil, input.Userf("the Storage API token (id %s) belongs to a read-only user; use a token that can write to the destination buckets", r.token.ID)
	}
	if err := r.ensureBuckets(ctx, specs); err != nil {
		return nil, nil, nil, err
	}
	existing, err := r.checkTables(ctx, specs)
	if err != nil {
		return nil, nil, nil, err
	}

	statePath := opts.StateFile
	if statePath == "" {
		statePath = defaultStatePath(r.client.URL(), string(r.token.Owner.ID), absDir)
	}
	if opts.IgnoreState {
		r.state = &runState{path: statePath, doc: stateDoc{Version: stateVersion, URL: r.client.URL(), Project: string(r.token.Owner.ID), Dir: absDir, Tables: map[string]*tableState{}}}
	} else if r.state, err = loadState(statePath, r.client.URL(), string(r.token.Owner.ID), absDir); err != nil {
		return nil, nil, nil, err
	}
	return r, specs, existing, nil
}

// ensureBuckets checks permissions and creates missing buckets.
func (r *runner) ensureBuckets(ctx context.Context, specs []*tableSpec) error {
	var probs problems
	done := map[string]bool{}
	for _, s := range specs {
		b := s.bucketID
		if done[b] {
			continue
		}
		done[b] = true
		_, err := r.client.GetBucket(ctx, b)
		switch {
		case err == nil:
			if !r.token.CanWriteBucket(b) {
				perm := r.token.BucketPermissions[b]
				if perm == "" {
					perm = "none"
				}
				probs.addf("bucket %s: the token (id %s) has %s permission to it; it needs write or manage", b, r.token.ID, perm)
			}
		case storage.IsNotFound(err):
			if !r.token.CanManageBuckets {
				probs.addf("bucket %s does not exist and the token (id %s) cannot create buckets; create the bucket in Keboola or use a token with bucket management", b, r.token.ID)
				continue
			}
			legacy := !r.token.HasFeature(storage.FeatureDisableLegacyBucketPrefix)
			if _, err := r.client.CreateBucket(ctx, b, legacy); err != nil {
				err = r.redact.Error(err)
				if input.IsUser(err) || storage.IsForbidden(err) {
					probs.addf("bucket %s: %v", b, err)
					continue
				}
				return err
			}
			r.log.WithField("bucket", b).Info("bucket created")
		case storage.IsForbidden(err):
			probs.addf("bucket %s: the token (id %s) may not access it: %v", b, r.token.ID, r.redact.Error(err))
		default:
			return fmt.Errorf("bucket %s: %w", b, r.redact.Error(err))
		}
	}
	return probs.err()
}

// checkTables reads existing destination tables and reports column and
// primary key changes that an import cannot handle.
func (r *runner) checkTables(ctx context.Context, specs []*tableSpec) (map[string]*storage.Table, error) {
	existing := map[string]*storage.Table{}
	var probs problems
	for _, s := range specs {
		t, err := r.client.GetTable(ctx, s.tableID)
		if storage.IsNotFound(err) {
			continue
		}
		if err != nil {
			err = r.redact.Error(err)
			if input.IsUser(err) {
				probs.addf("table %s: %v", s.tableID, err)
				continue
			}
			return nil, fmt.Errorf("table %s: %w", s.tableID, err)
		}
		existing[s.tableID] = t
		if msg := columnChanges(s, t); msg != "" {
			probs.addf("%s", msg)
		}
		for _, w := range addedColumnsWarning(s, t) {
			r.log.Warn(w)
		}
	}
	return existing, probs.err()
}

// stopProgress starts the periodic progress log and returns its stop function.
func (r *runner) stopProgress() func() {
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(r.opts.ProgressInterval)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				r.activeMu.Lock()
				for id, p := range r.active {
					r.log.WithFields(logrus.Fields{"table": id, "rows": p.rows.Load(), "readBytes": p.read.Load(), "sentBytes": p.sent.Load()}).
						Infof("uploading %s: %d rows, %s read, %s sent", id, p.rows.Load(), humanBytes(p.read.Load()), humanBytes(p.sent.Load()))
				}
				r.activeMu.Unlock()
			}
		}
	}()
	return func() { close(stop); <-done }
}

// logSummary writes the final summary line and one line per table.
func (r *runner) logSummary(s *Summary, failed int) {
	for _, t := range s.Tables {
		f := logrus.Fields{"table": t.TableID, "status": string(t.Status), "rows": t.Rows, "sentBytes": t.SentBytes, "jobs": t.JobIDs}
		if t.Err != nil {
			r.log.WithFields(f).Errorf("%s: failed: %v", t.TableID, t.Err)
		} else {
			r.log.WithFields(f).Infof("%s: %s", t.TableID, t.Status)
		}
	}
	r.log.WithFields(logrus.Fields{"tables": len(s.Tables), "failed": failed, "rows": s.Rows, "sentBytes": s.SentBytes, "duration": s.Duration.Round(time.Millisecond).String()}).
		Infof("upload finished: %d tables (%d failed), %d rows, %s sent in %s", len(s.Tables), failed, s.Rows, humanBytes(s.SentBytes), s.Duration.Round(time.Millisecond))
}

// humanBytes formats a byte count with a binary unit.
func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// checkBranch refuses to upload from a platform job that runs in a
// development branch (Options.BranchID).
func (r *runner) checkBranch(ctx context.Context) error {
	o := r.opts
	if o.BranchID == "" {
		return nil
	}
	if o.ProjectID != "" && string(r.token.Owner.ID) != o.ProjectID ||
		o.StackID != "" && !strings.EqualFold(r.client.Host(), o.StackID) {
		return input.Userf("this job runs in project %s on %s, but the upload token belongs to project %s on %s, so the job's branch cannot be checked: "+
			"direct upload from a platform job needs a token of the job's own project; or remove parameters.upload.#storage_token and output mapping loads the tables",
			o.ProjectID, o.StackID, r.token.Owner.ID, r.client.Host())
	}
	b, err := r.client.GetDevBranch(ctx, o.BranchID)
	if err != nil {
		err = r.redact.Error(err)
		if storage.IsNotFound(err) {
			return input.Userf("branch %s of this job (KBC_BRANCHID) does not exist in project %s", o.BranchID, r.token.Owner.ID)
		}
		return fmt.Errorf("looking up branch %s of this job: %w", o.BranchID, err)
	}
	if !bool(b.IsDefault) {
		return input.Userf("this job runs in the development branch %q (id %s): direct upload would write the production tables, so it is refused; "+
			"remove parameters.upload.#storage_token and output mapping loads the tables into the branch", b.Name, o.BranchID)
	}
	r.log.WithField("branch", o.BranchID).Debug("The job runs in the default branch")
	return nil
}
