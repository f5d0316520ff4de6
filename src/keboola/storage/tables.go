package storage

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Table is a Storage table as returned by the table detail.
type Table struct {
	ID            string           `json:"id"`
	Name          string           `json:"name"`
	Columns       []string         `json:"columns"`
	PrimaryKey    []string         `json:"primaryKey"`
	RowsCount     FlexInt          `json:"rowsCount"`
	DataSizeBytes FlexInt          `json:"dataSizeBytes"`
	IsTyped       FlexBool         `json:"isTyped"`
	Definition    *TableDefinition `json:"definition"`
}

// TableDefinition describes a typed table (tables-definition).
type TableDefinition struct {
	Name             string             `json:"name,omitempty"`
	PrimaryKeysNames []string           `json:"primaryKeysNames"`
	Columns          []ColumnDefinition `json:"columns"`
	TimestampType    string             `json:"timestampType,omitempty"`
}

// ColumnDefinition is one typed column.
type ColumnDefinition struct {
	Name       string        `json:"name"`
	Basetype   string        `json:"basetype,omitempty"`
	Definition *ColumnNative `json:"definition,omitempty"`
}

// ColumnNative is the backend-native type of a column.
type ColumnNative struct {
	Type     string `json:"type,omitempty"`
	Length   string `json:"length,omitempty"`
	Nullable *bool  `json:"nullable,omitempty"`
	Default  string `json:"default,omitempty"`
}

// CreateTableRequest creates an untyped table from an uploaded CSV file whose
// header gives the column names.
type CreateTableRequest struct {
	Name       string
	DataFileID int64
	Delimiter  string
	Enclosure  string
	PrimaryKey []string
}

// createTableBody is the JSON of tables-async (primaryKey is comma-joined).
type createTableBody struct {
	Name       string `json:"name"`
	DataFileID int64  `json:"dataFileId"`
	Delimiter  string `json:"delimiter,omitempty"`
	Enclosure  string `json:"enclosure,omitempty"`
	PrimaryKey string `json:"primaryKey,omitempty"`
}

// ImportRequest loads an uploaded file into an existing table.
type ImportRequest struct {
	// DataFileID is the prepared and uploaded file.
	DataFileID int64 `json:"dataFileId"`
	// Incremental appends (or upserts by primary key); false replaces the
	// table's rows atomically.
	Incremental bool `json:"incremental"`
	// Delimiter and Enclosure describe the CSV dialect.
	Delimiter string `json:"delimiter,omitempty"`
	Enclosure string `json:"enclosure,omitempty"`
	// Columns lists the file's columns in file order; the file then has no
	// header (sliced files never have one).
	Columns []string `json:"columns,omitempty"`
	// IgnoredLinesCount skips leading lines.
	IgnoredLinesCount int `json:"ignoredLinesCount,omitempty"`
	// TreatValuesAsNull lists values loaded as NULL (default [""]).
	TreatValuesAsNull []string `json:"treatValuesAsNull,omitempty"`
}

// GetTable returns the table detail; a missing table gives an error for
// which IsNotFound is true.
func (c *Client) GetTable(ctx context.Context, tableID string) (*Table, error) {
	var t Table
	if _, err := c.do(ctx, call{method: "GET", path: "tables/" + seg(tableID), out: &t}); err != nil {
		return nil, err
	}
	return &t, nil
}

// tableExists is the reconciliation probe used before re-sending a create.
func (c *Client) tableExists(tableID string) func(ctx context.Context) (bool, error) {
	return func(ctx context.Context) (bool, error) {
		_, err := c.GetTable(ctx, tableID)
		if err == nil {
			c.log.WithField("table", tableID).Info("table exists after a retried create request; not creating it again")
			return true, nil
		}
		if IsNotFound(err) {
			return false, nil
		}
		return false, err
	}
}

// CreateTableFromFile creates an untyped table in bucketID from an uploaded
// headed CSV (tables-async) and waits for the job. Rows of the file are
// loaded too; a header-only file gives an empty table. The returned job is
// nil when a retried request turned out to have created the table already.
func (c *Client) CreateTableFromFile(ctx context.Context, bucketID string, req CreateTableRequest) (*Table, *Job, error) {
	if err := ValidateTableName(req.Name); err != nil {
		return nil, nil, err
	}
	body := createTableBody{
		Name: req.Name, DataFileID: req.DataFileID, Delimiter: req.Delimiter, Enclosure: req.Enclosure,
		PrimaryKey: strings.Join(req.PrimaryKey, ","),
	}
	return c.createTable(ctx, bucketID, req.Name, "tables-async", body)
}

// CreateTableFromDefinition creates a typed table (tables-definition) and
// waits for the job. Use it only when the project has native types.
func (c *Client) CreateTableFromDefinition(ctx context.Context, bucketID string, def TableDefinition) (*Table, *Job, error) {
	if err := ValidateTableName(def.Name); err != nil {
		return nil, nil, err
	}
	if def.PrimaryKeysNames == nil {
		def.PrimaryKeysNames = []string{}
	}
	return c.createTable(ctx, bucketID, def.Name, "tables-definition", def)
}

// createTable submits a create job, reconciling after retries, and waits.
func (c *Client) createTable(ctx context.Context, bucketID, name, endpoint string, body any) (*Table, *Job, error) {
	tableID := bucketID + "." + name
	var job Job
	res, err := c.do(ctx, call{
		method: "POST", path: "buckets/" + seg(bucketID) + "/" + endpoint, body: body, out: &job,
		safety: retrySafe, reconcile: c.tableExists(tableID),
	})
	if err != nil {
		return nil, nil, fmt.Errorf("creating table %s: %w", tableID, err)
	}
	if res.reconciled {
		t, err := c.GetTable(ctx, tableID)
		return t, nil, err
	}
	done, err := c.WaitForJob(ctx, &job)
	if err != nil {
		var je *JobError
		if res.attempts > 1 && errors.As(err, &je) {
			// An earlier attempt may have created the table; this job then
			// failed only because it exists.
			if t, gerr := c.GetTable(ctx, tableID); gerr == nil {
				return t, done, nil
			}
		}
		return nil, done, fmt.Errorf("creating table %s: %w", tableID, err)
	}
	t, err := c.GetTable(ctx, tableID)
	if err != nil {
		return nil, done, fmt.Errorf("reading table %s after creating it: %w", tableID, err)
	}
	return t, done, nil
}

// SubmitImport starts an import job into tableID and returns it without
// waiting. A full load (Incremental false) replaces the rows atomically, so
// it is retried like any idempotent call; an incremental load is retried only
// when Storage certainly did not receive it, to never append twice.
func (c *Client) SubmitImport(ctx context.Context, tableID string, req ImportRequest) (*Job, error) {
	s := retrySafe
	if req.Incremental {
		s = retryUnlessProcessed
	}
	var job Job
	if _, err := c.do(ctx, call{method: "POST", path: "tables/" + seg(tableID) + "/import-async", body: req, out: &job, safety: s}); err != nil {
		return nil, fmt.Errorf("importing into table %s: %w", tableID, err)
	}
	if job.ID == 0 {
		return nil, fmt.Errorf("importing into table %s: the answer has no job id", tableID)
	}
	return &job, nil
}
