package upload

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/sirupsen/logrus"
	"golang.org/x/sync/errgroup"

	"datagen/src/input"
	"datagen/src/keboola/storage"
)

// partPlan says how a table's bytes go to File Storage.
type partPlan struct {
	parts  []part
	sliced bool
	// importCols is the column list sent with the import: set whenever the
	// uploaded bytes have no header.
	importCols []string
}

// planParts decides between a single file and slices.
func (r *runner) planParts(s *tableSpec) (partPlan, error) {
	switch {
	case s.sliced && len(s.files) == 0:
		// An empty sliced table: a header-only file loads zero rows.
		return partPlan{parts: []part{{inline: headerLine(s.columns, s.dialect)}}}, nil
	case s.sliced:
		p := partPlan{sliced: true, importCols: s.columns}
		for i, f := range s.files {
			p.parts = append(p.parts, part{suffix: sliceName(i), file: f, n: -1})
		}
		return p, nil
	}
	f := s.files[0]
	if s.headed && !f.gzip && r.opts.SliceBytes > 0 && f.size-s.headerSize > r.opts.SliceBytes {
		fh, err := os.Open(f.path)
		if err != nil {
			return partPlan{}, err
		}
		defer fh.Close()
		splits, err := findSplits(fh, s.headerSize, f.size, r.opts.SliceBytes, s.dialect)
		if err != nil {
			return partPlan{}, fmt.Errorf("splitting %s: %w", f.name, err)
		}
		if len(splits) > 0 {
			p := partPlan{sliced: true, importCols: s.columns}
			bounds := append(append([]int64{s.headerSize}, splits...), f.size)
			for i := 0; i+1 < len(bounds); i++ {
				p.parts = append(p.parts, part{suffix: sliceName(i), file: f, off: bounds[i], n: bounds[i+1] - bounds[i]})
			}
			return p, nil
		}
	}
	p := partPlan{parts: []part{{file: f, n: -1, skipHeader: s.headed}}}
	if !s.headed {
		p.importCols = s.columns
	}
	return p, nil
}

// sliceName names slice i of a sliced upload (always gzip).
func sliceName(i int) string { return fmt.Sprintf("part%05d.gz", i+1) }

// uploadTable runs the whole pipeline for one table and never panics on bad
// input; failures land in the result.
func (r *runner) uploadTable(ctx context.Context, s *tableSpec, existing *storage.Table) (res TableResult) {
	start := time.Now()
	res = TableResult{TableID: s.tableID, Source: s.source, Incremental: s.incr, SourceBytes: s.sizeBytes, Status: StatusUploaded}
	log := r.log.WithFields(logrus.Fields{"table": s.tableID, "source": s.source})
	defer func() {
		res.Duration = time.Since(start)
		if res.Err != nil {
			res.Status = StatusFailed
			res.Err = r.redact.Error(res.Err)
		}
	}()

	if st, ok := r.state.get(s.tableID, s.fingerprint); ok {
		res.Rows, res.SentBytes, res.FileID = st.Rows, st.Bytes, st.FileID
		if st.JobID != 0 {
			res.JobIDs = []int64{st.JobID}
		}
		switch st.Phase {
		case phaseDone:
			if existing != nil {
				log.Info("already uploaded by an earlier run; skipping")
				res.Status = StatusSkipped
				return res
			}
			log.Warn("uploaded by an earlier run, but the table no longer exists; uploading again")
		case phaseImported:
			log.Info("data was imported by an earlier run; writing metadata")
			res.Err = r.finish(ctx, s, st)
			return res
		case phaseUnknown:
			// The answer to an incremental import was lost: ask Storage
			// whether the import job exists before deciding anything.
			job, err := r.findImportJob(ctx, s.tableID, st.FileID, st.Updated)
			if err != nil {
				res.Err = &unknownImport{fileID: st.FileID, earlier: true, err: fmt.Errorf("looking the job up: %w", err)}
				return res
			}
			if job == nil {
				log.WithField("file", st.FileID).Info("the incremental import of an earlier run is not among Storage's jobs, so it was never applied; uploading again")
				break
			}
			st.Phase, st.JobID = phaseImporting, int64(job.ID)
			if err := r.state.set(s.tableID, st); err != nil {
				res.Err = err
				return res
			}
			res.JobIDs = []int64{st.JobID}
			log.WithFields(logrus.Fields{"job": st.JobID, "file": st.FileID}).Info("found the import job of an earlier run whose answer was lost; waiting for it")
			// The listing may leave out parts of a job (its error): wait on
			// the job's own document.
			job, err = r.client.GetJob(ctx, st.JobID)
			if err == nil {
				_, err = r.client.WaitForJob(ctx, job)
			}
			if err != nil {
				res.Err = fmt.Errorf("import job %d of an earlier run: %w", st.JobID, err)
				return res
			}
			st.Phase = phaseImported
			if err := r.state.set(s.tableID, st); err != nil {
				res.Err = err
				return res
			}
			res.Err = r.finish(ctx, s, st)
			return res
		case phaseImporting:
			job, err := r.client.GetJob(ctx, st.JobID)
			if err == nil {
				log.WithField("job", st.JobID).Info("waiting for the import job of an earlier run")
				_, err = r.client.WaitForJob(ctx, job)
			}
			if err == nil {
				st.Phase = phaseImported
				if err := r.state.set(s.tableID, st); err != nil {
					res.Err = err
					return res
				}
				res.Err = r.finish(ctx, s, st)
				return res
			}
			var je *storage.JobError
			if !errors.As(err, &je) {
				res.Err = fmt.Errorf("checking import job %d of an earlier run: %w", st.JobID, err)
				return res
			}
			log.Warnf("the import job of an earlier run failed (%v); uploading again", r.redact.Error(err))
		case phaseCreating:
			if existing != nil {
				log.Info("the table was created with its data by an earlier run; writing metadata")
				st.Phase = phaseImported
				if err := r.state.set(s.tableID, st); err != nil {
					res.Err = err
					return res
				}
				res.Created = true
				res.Err = r.finish(ctx, s, st)
				return res
			}
		}
	}

	res.Rows, res.SentBytes, res.FileID, res.JobIDs = 0, 0, 0, nil
	prog := &progress{}
	r.track(s.tableID, prog)
	defer r.untrack(s.tableID)

	plan, err := r.planParts(s)
	if err != nil {
		res.Err = err
		return res
	}
	file, rows, err := r.uploadParts(ctx, s.tableName+".csv.gz", plan, s.dialect, prog)
	res.SentBytes = prog.sent.Load()
	if err != nil {
		res.Err = err
		return res
	}
	res.FileID, res.Rows = int64(file.ID), rows
	log.WithFields(logrus.Fields{"file": int64(file.ID), "rows": rows, "sentBytes": res.SentBytes, "slices": len(plan.parts)}).
		Infof("uploaded %d rows (%s) to file storage", rows, humanBytes(res.SentBytes))
	st := tableState{Fingerprint: s.fingerprint, FileID: int64(file.ID), Rows: rows, Bytes: res.SentBytes}

	if existing == nil {
		bucket := s.bucketID
		switch {
		case s.typed != nil && r.token.NativeTypes():
			def := storage.TableDefinition{Name: s.tableName, PrimaryKeysNames: s.primaryKey, Columns: s.typed}
			_, job, err := r.client.CreateTableFromDefinition(ctx, bucket, def)
			res.addJob(job)
			if raced, rerr := r.createRaced(ctx, s, err); raced {
				log.Info("the table was created meanwhile by another upload (a part of the same run); importing into it")
			} else if rerr != nil {
				res.Err = rerr
				return res
			} else {
				res.Created = true
				log.Info("typed table created")
			}
		case !plan.sliced && plan.importCols == nil:
			// A headed single file creates the table with its rows in one job.
			st.Phase = phaseCreating
			if err := r.state.set(s.tableID, st); err != nil {
				res.Err = err
				return res
			}
			_, job, err := r.client.CreateTableFromFile(ctx, bucket, r.createRequest(s, int64(file.ID)))
			res.addJob(job)
			raced, rerr := r.createRaced(ctx, s, err)
			if rerr != nil {
				res.Err = rerr
				return res
			}
			if !raced {
				res.Created = true
				if job != nil {
					st.JobID = int64(job.ID)
				}
				st.Phase = phaseImported
				if err := r.state.set(s.tableID, st); err != nil {
					res.Err = err
					return res
				}
				log.WithField("job", st.JobID).Info("table created with its data")
				res.Err = r.finish(ctx, s, st)
				return res
			}
			// Another upload created the table first: this file's rows
			// are imported into it like those of an existing table.
			log.Info("the table was created meanwhile by another upload (a part of the same run); importing into it")
		default:
			hdr, _, err := r.uploadParts(ctx, s.tableName+".header.csv.gz", partPlan{parts: []part{{inline: headerLine(s.columns, s.dialect)}}}, s.dialect, &progress{})
			if err != nil {
				res.Err = err
				return res
			}
			_, job, err := r.client.CreateTableFromFile(ctx, bucket, r.createRequest(s, int64(hdr.ID)))
			res.addJob(job)
			if raced, rerr := r.createRaced(ctx, s, err); raced {
				log.Info("the table was created meanwhile by another upload (a part of the same run); importing into it")
			} else if rerr != nil {
				res.Err = rerr
				return res
			} else {
				res.Created = true
				log.Info("table created from its columns")
			}
		}
	}

	req := storage.ImportRequest{DataFileID: int64(file.ID), Incremental: s.incr, Columns: plan.importCols}
	req.Delimiter, req.Enclosure = dialectStrings(s.dialect)
	job, err := r.client.SubmitImport(ctx, s.tableID, req)
	if err != nil {
		if s.incr && mayHaveApplied(err) {
			// Storage may have applied the import: sending it again could
			// load the rows twice. Record it, and never resubmit by itself.
			st.Phase = phaseUnknown
			if serr := r.state.set(s.tableID, st); serr != nil {
				res.Err = serr
				return res
			}
			res.Err = &unknownImport{fileID: st.FileID, err: err}
			return res
		}
		res.Err = err
		return res
	}
	res.addJob(job)
	st.Phase, st.JobID = phaseImporting, int64(job.ID)
	if err := r.state.set(s.tableID, st); err != nil {
		res.Err = err
		return res
	}
	log.WithFields(logrus.Fields{"job": int64(job.ID), "incremental": s.incr}).Info("import job submitted")
	if _, err := r.client.WaitForJob(ctx, job); err != nil {
		res.Err = err
		return res
	}
	st.Phase = phaseImported
	if err := r.state.set(s.tableID, st); err != nil {
		res.Err = err
		return res
	}
	log.WithField("job", int64(job.ID)).Info("import finished")
	res.Err = r.finish(ctx, s, st)
	return res
}

// createRaced tells a failed table creation that lost a race from other
// failures: when err says the table already exists (another upload, such
// as a part of the same split run starting at the same time, created it
// after this one looked), it reads the table and reports raced, or the
// column and key differences that forbid importing into it. Any other
// error is returned as it is.
func (r *runner) createRaced(ctx context.Context, s *tableSpec, err error) (bool, error) {
	if err == nil {
		return false, nil
	}
	if !tableExists(err) {
		return false, err
	}
	t, gerr := r.client.GetTable(ctx, s.tableID)
	if gerr != nil {
		return false, fmt.Errorf("%w; reading the table another upload created: %w", err, gerr)
	}
	if msg := columnChanges(s, t); msg != "" {
		return false, input.User(errors.New(msg))
	}
	return true, nil
}

// tableExists reports whether a table creation failed because the table
// already exists: a 400 answer with a code ending in alreadyExists, or a
// creation job that failed saying so.
func tableExists(err error) bool {
	if storage.IsAlreadyExists(err) {
		return true
	}
	var je *storage.JobError
	if errors.As(err, &je) {
		return strings.HasSuffix(strings.ToLower(je.Code), "alreadyexists") ||
			strings.Contains(strings.ToLower(je.Message), "already exists")
	}
	return false
}

// addJob records a job id in the result.
func (res *TableResult) addJob(j *storage.Job) {
	if j != nil && j.ID != 0 {
		res.JobIDs = append(res.JobIDs, int64(j.ID))
	}
}

// createRequest is the tables-async request for a file with a header.
func (r *runner) createRequest(s *tableSpec, fileID int64) storage.CreateTableRequest {
	req := storage.CreateTableRequest{Name: s.tableName, DataFileID: fileID, PrimaryKey: s.primaryKey}
	req.Delimiter, req.Enclosure = dialectStrings(s.dialect)
	return req
}

// dialectStrings returns delimiter and enclosure for requests, empty when
// they are Storage's defaults.
func dialectStrings(d dialect) (delim, encl string) {
	if d.Delim != ',' {
		delim = string(d.Delim)
	}
	if d.Encl != '"' {
		encl = string(d.Encl)
	}
	return delim, encl
}

// finish writes metadata and marks the table done.
func (r *runner) finish(ctx context.Context, s *tableSpec, st tableState) error {
	cols := make([]storage.ColumnMetadata, 0, len(s.columns))
	for _, c := range s.columns {
		if md := s.columnMeta[c]; len(md) > 0 {
			cols = append(cols, storage.ColumnMetadata{Column: c, Entries: md})
		}
	}
	if len(s.tableMeta) > 0 || len(cols) > 0 {
		if err := r.client.SetTableMetadata(ctx, s.tableID, r.opts.Provider, s.tableMeta, cols); err != nil {
			return err
		}
	}
	st.Phase = phaseDone
	return r.state.set(s.tableID, st)
}

// uploadParts prepares a file and uploads its parts in parallel (bounded by
// the run's object semaphore), plus the slice manifest for sliced files.
func (r *runner) uploadParts(ctx context.Context, name string, plan partPlan, d dialect, prog *progress) (*storage.File, int64, error) {
	file, err := r.client.PrepareFile(ctx, storage.PrepareFileRequest{Name: name, IsSliced: plan.sliced, Tags: r.opts.Tags})
	if err != nil {
		return nil, 0, err
	}
	r.redact.Add(file.Secrets()...)
	store, err := newStore(ctx, file, storeConfig{
		endpoints:   r.opts.Endpoints,
		partSize:    r.opts.PartSize,
		concurrency: 2,
		refresh: func(ctx context.Context) (*storage.File, error) {
			f, err := r.client.RefreshFile(ctx, int64(file.ID))
			if err == nil {
				r.redact.Add(f.Secrets()...)
			}
			return f, err
		},
	})
	if err != nil {
		return nil, 0, err
	}
	defer store.close()

	rows := make([]int64, len(plan.parts))
	g, gctx := errgroup.WithContext(ctx)
	for i, p := range plan.parts {
		g.Go(func() error {
			select {
			case r.objects <- struct{}{}:
			case <-gctx.Done():
				return gctx.Err()
			}
			defer func() { <-r.objects }()
			n, err := putPart(gctx, store, p, d, r.opts.CompressionLevel, prog)
			rows[i] = n
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, 0, err
	}
	if plan.sliced {
		type entry struct {
			URL string `json:"url"`
		}
		m := struct {
			Entries []entry `json:"entries"`
		}{Entries: make([]entry, len(plan.parts))}
		for i, p := range plan.parts {
			m.Entries[i] = entry{URL: store.url(p.suffix)}
		}
		data, err := json.Marshal(m)
		if err != nil {
			return nil, 0, err
		}
		if err := store.put(ctx, "manifest", bytes.NewReader(data)); err != nil {
			return nil, 0, fmt.Errorf("uploading the slice manifest: %w", err)
		}
	}
	var total int64
	for _, n := range rows {
		total += n
	}
	return file, total, nil
}

// track registers a table for progress logging.
func (r *runner) track(id string, p *progress) {
	r.activeMu.Lock()
	r.active[id] = p
	r.activeMu.Unlock()
}

// untrack removes a table from progress logging.
func (r *runner) untrack(id string) {
	r.activeMu.Lock()
	delete(r.active, id)
	r.activeMu.Unlock()
}

// columnChanges describes column or key differences between the data and an
// existing table that an import cannot reconcile, or returns "".
func columnChanges(s *tableSpec, t *storage.Table) string {
	var missing []string
	for _, c := range t.Columns {
		if !slices.Contains(s.columns, c) {
			missing = append(missing, c)
		}
	}
	var msgs []string
	if len(missing) > 0 {
		msg := fmt.Sprintf("table %s already exists with columns [%s]; the data in %s lacks [%s]",
			s.tableID, strings.Join(t.Columns, ", "), s.source, strings.Join(missing, ", "))
		if added := addedColumns(s, t); len(added) > 0 {
			msg += fmt.Sprintf(" and has new columns [%s]", strings.Join(added, ", "))
		}
		for _, m := range missing {
			for _, c := range s.columns {
				if strings.EqualFold(m, c) {
					msg += fmt.Sprintf(" (column %q differs from %q only in letter case)", c, m)
				}
			}
		}
		msg += ". Storage cannot drop columns on import: generate the same columns again, delete the table (or its extra columns) in Keboola, or upload to a new table with --table-prefix"
		msgs = append(msgs, msg)
	}
	if len(s.primaryKey) > 0 && !sameSet(s.primaryKey, t.PrimaryKey) {
		msgs = append(msgs, fmt.Sprintf("table %s has primary key [%s] but %s declares [%s]: change the table's primary key in Keboola, fix the manifest, or upload to a new table with --table-prefix",
			s.tableID, strings.Join(t.PrimaryKey, ", "), s.source, strings.Join(s.primaryKey, ", ")))
	}
	return strings.Join(msgs, "\n")
}

// addedColumns lists data columns the table does not have yet.
func addedColumns(s *tableSpec, t *storage.Table) []string {
	var added []string
	for _, c := range s.columns {
		if !slices.Contains(t.Columns, c) {
			added = append(added, c)
		}
	}
	return added
}

// addedColumnsWarning notes columns that the import will add to the table.
func addedColumnsWarning(s *tableSpec, t *storage.Table) []string {
	added := addedColumns(s, t)
	if len(added) == 0 || len(added) == len(s.columns) {
		return nil
	}
	return []string{fmt.Sprintf("table %s: the import adds new columns [%s]", s.tableID, strings.Join(added, ", "))}
}

// sameSet reports whether a and b hold the same strings.
func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}
