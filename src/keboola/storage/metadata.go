package storage

import (
	"context"
	"fmt"
	"strconv"
)

// Metadata is one key/value metadata entry.
type Metadata struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// ColumnMetadata holds the metadata entries of one column.
type ColumnMetadata struct {
	Column  string
	Entries []Metadata
}

// columnMetadataEntry is one entry in columnsMetadata.
type columnMetadataEntry struct {
	ColumnName string `json:"columnName"`
	Key        string `json:"key"`
	Value      string `json:"value"`
}

// metadataBody is the JSON of tables/{id}/metadata.
type metadataBody struct {
	Provider        string                           `json:"provider"`
	Metadata        []Metadata                       `json:"metadata,omitempty"`
	ColumnsMetadata map[string][]columnMetadataEntry `json:"columnsMetadata,omitempty"`
}

// columnsPerMetadataRequest bounds the columns sent in one metadata request.
const columnsPerMetadataRequest = 100

// SetTableMetadata writes table and column metadata under provider. Entries
// with the same key and provider are overwritten, so the call is idempotent.
// Column metadata goes in chunks of 100 columns.
func (c *Client) SetTableMetadata(ctx context.Context, tableID, provider string, table []Metadata, columns []ColumnMetadata) error {
	if provider == "" {
		return fmt.Errorf("table %s metadata: empty provider", tableID)
	}
	var cols []ColumnMetadata
	for _, cm := range columns {
		if len(cm.Entries) > 0 {
			cols = append(cols, cm)
		}
	}
	for sent := 0; ; sent++ {
		body := metadataBody{Provider: provider}
		if sent == 0 {
			body.Metadata = table
		}
		n := min(len(cols), columnsPerMetadataRequest)
		if n > 0 {
			body.ColumnsMetadata = make(map[string][]columnMetadataEntry, n)
			for i, cm := range cols[:n] {
				entries := make([]columnMetadataEntry, len(cm.Entries))
				for j, e := range cm.Entries {
					entries[j] = columnMetadataEntry{ColumnName: cm.Column, Key: e.Key, Value: e.Value}
				}
				body.ColumnsMetadata[strconv.Itoa(i)] = entries
			}
		}
		cols = cols[n:]
		if len(body.Metadata) == 0 && len(body.ColumnsMetadata) == 0 {
			return nil
		}
		if _, err := c.do(ctx, call{method: "POST", path: "tables/" + seg(tableID) + "/metadata", body: body, safety: retrySafe}); err != nil {
			return fmt.Errorf("writing metadata of table %s: %w", tableID, err)
		}
		if len(cols) == 0 {
			return nil
		}
	}
}
