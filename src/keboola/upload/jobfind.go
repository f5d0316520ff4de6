package upload

import (
	"context"
	"fmt"
	"time"

	"datagen/src/civil"
	"datagen/src/keboola/storage"
)

// Bounds of the search for the import job of an answer that was lost.
const (
	// jobPageSize is the number of jobs asked for per page of the listing.
	jobPageSize = 100
	// jobPages bounds the pages read; a search that neither finds the job
	// nor reaches jobs older than the import fails rather than guessing.
	jobPages = 10
	// jobClockSkew is how much older than the recorded send time a job may
	// be listed (clocks of this machine and Storage differ).
	jobClockSkew = time.Hour
)

// findImportJob looks among the project's recent jobs (newest first) for
// the tableImport of fileID into tableID that an earlier run sent at about
// sent. It returns the job, nil when Storage certainly has no such job (the
// listing reached its end or jobs created before sent), or an error when
// that cannot be told.
func (r *runner) findImportJob(ctx context.Context, tableID string, fileID int64, sent time.Time) (*storage.Job, error) {
	cutoff := sent.Add(-jobClockSkew)
	for page := 0; page < jobPages; page++ {
		jobs, err := r.client.ListJobs(ctx, jobPageSize, page*jobPageSize)
		if err != nil {
			return nil, err
		}
		for i := range jobs {
			j := &jobs[i]
			if j.OperationName == "tableImport" && j.TableID == tableID && j.ImportFileID() == fileID {
				return j, nil
			}
		}
		if len(jobs) < jobPageSize {
			return nil, nil
		}
		// Storage writes createdTime as 2006-01-02T15:04:05-0700.
		if t, err := civil.ParseTimestamp(jobs[len(jobs)-1].CreatedTime); err == nil && t.Before(cutoff) {
			return nil, nil
		}
	}
	return nil, fmt.Errorf("the job is not among the %d most recent jobs, which do not reach back to %s", jobPages*jobPageSize, sent.Format(time.RFC3339))
}
