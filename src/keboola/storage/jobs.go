package storage

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"time"
)

// Job statuses.
const (
	JobStatusWaiting    = "waiting"
	JobStatusProcessing = "processing"
	JobStatusSuccess    = "success"
	JobStatusError      = "error"
)

// Job is an asynchronous Storage job.
type Job struct {
	ID            FlexInt `json:"id"`
	Status        string  `json:"status"`
	URL           string  `json:"url"`
	TableID       string  `json:"tableId"`
	OperationName string  `json:"operationName"`
	// OperationParams holds the request of the job; for a tableImport it
	// names the source file (source.fileId).
	OperationParams rawObject     `json:"operationParams"`
	Results         rawObject     `json:"results"`
	Error           *JobErrorBody `json:"error"`
	Metrics         *JobMetrics   `json:"metrics"`
	CreatedTime     string        `json:"createdTime"`
	StartTime       string        `json:"startTime"`
	EndTime         string        `json:"endTime"`
}

// JobErrorBody is the error object of a failed job.
type JobErrorBody struct {
	Code        FlexString `json:"code"`
	Message     string     `json:"message"`
	ExceptionID string     `json:"exceptionId"`
}

// UnmarshalJSON accepts the error object or a bare message string.
func (e *JobErrorBody) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &e.Message)
	}
	if len(b) > 0 && b[0] == '[' {
		return nil
	}
	type plain JobErrorBody
	return json.Unmarshal(b, (*plain)(e))
}

// JobMetrics are the byte counts Storage reports for a job.
type JobMetrics struct {
	InBytes             FlexInt  `json:"inBytes"`
	InBytesUncompressed FlexInt  `json:"inBytesUncompressed"`
	InCompressed        FlexBool `json:"inCompressed"`
}

// Finished reports whether the job reached success or error.
func (j *Job) Finished() bool { return j.Status == JobStatusSuccess || j.Status == JobStatusError }

// DecodeResults decodes the job's results object into v; it returns false
// when the job has no results.
func (j *Job) DecodeResults(v any) (bool, error) {
	if len(j.Results) == 0 {
		return false, nil
	}
	if err := json.Unmarshal(j.Results, v); err != nil {
		return false, fmt.Errorf("decoding results of job %d: %w", j.ID, err)
	}
	return true, nil
}

// asError converts a failed job into a *JobError.
func (j *Job) asError(redact func(string) string) error {
	e := &JobError{JobID: int64(j.ID), Operation: j.OperationName, TableID: j.TableID}
	if j.Error != nil {
		e.Code = string(j.Error.Code)
		e.Message = redact(j.Error.Message)
		e.ExceptionID = j.Error.ExceptionID
	}
	return e
}

// ImportFileID returns the id of the file a tableImport job loads
// (operationParams.source.fileId), or 0 when the job names none.
func (j *Job) ImportFileID() int64 {
	if len(j.OperationParams) == 0 {
		return 0
	}
	var p struct {
		Source *struct {
			FileID FlexInt `json:"fileId"`
		} `json:"source"`
	}
	if json.Unmarshal(j.OperationParams, &p) != nil || p.Source == nil {
		return 0
	}
	return int64(p.Source.FileID)
}

// ListJobs returns one page of the project's jobs, newest first: limit
// jobs after skipping offset.
func (c *Client) ListJobs(ctx context.Context, limit, offset int) ([]Job, error) {
	q := url.Values{}
	q.Set("limit", strconv.Itoa(limit))
	q.Set("offset", strconv.Itoa(offset))
	var jobs []Job
	if _, err := c.do(ctx, call{method: "GET", path: "jobs", query: q, out: &jobs}); err != nil {
		return nil, fmt.Errorf("listing storage jobs: %w", err)
	}
	return jobs, nil
}

// GetJob returns the current state of a job.
func (c *Client) GetJob(ctx context.Context, id int64) (*Job, error) {
	var j Job
	if _, err := c.do(ctx, call{method: "GET", path: "jobs/" + strconv.FormatInt(id, 10), out: &j}); err != nil {
		return nil, err
	}
	return &j, nil
}

// WaitForJob polls the job until it finishes or the poll policy's timeout
// passes. A job that ends in error gives a *JobError carrying Keboola's
// message and exception id.
func (c *Client) WaitForJob(ctx context.Context, job *Job) (*Job, error) {
	if job == nil {
		return nil, fmt.Errorf("waiting for a job: no job")
	}
	timeout := c.poll.Timeout
	if timeout <= 0 {
		timeout = DefaultPollPolicy.Timeout
	}
	deadline := time.Now().Add(timeout)
	delay := c.poll.InitialDelay
	id := int64(job.ID)
	for i := 0; !job.Finished(); i++ {
		if time.Now().Add(delay).After(deadline) {
			return job, fmt.Errorf("storage job %d (%s) did not finish within %s; it may still finish, check the job in Keboola", id, job.OperationName, timeout)
		}
		if err := sleep(ctx, delay); err != nil {
			return job, fmt.Errorf("waiting for storage job %d: %w", id, err)
		}
		next, err := c.GetJob(ctx, id)
		if err != nil {
			return job, fmt.Errorf("waiting for storage job %d: %w", id, err)
		}
		job = next
		c.log.WithField("job", id).Debugf("storage job %s", job.Status)
		delay *= 2
		if delay > c.poll.MaxDelay {
			delay = c.poll.MaxDelay
		}
		if delay <= 0 {
			delay = time.Millisecond
		}
	}
	if job.Status == JobStatusError {
		return job, job.asError(c.Redact)
	}
	return job, nil
}
