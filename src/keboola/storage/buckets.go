package storage

import (
	"context"
	"fmt"
	"strings"
)

// Bucket is a Storage bucket.
type Bucket struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	DisplayName string `json:"displayName"`
	Stage       string `json:"stage"`
	Backend     string `json:"backend"`
	Description string `json:"description"`
}

// validName reports whether name is 1 to 96 characters, each an ASCII
// letter, digit, '_' or '-': Storage's rule for bucket and table names.
// A loop rather than a regular expression: compiling `{1,96}` at start-up
// cost more than any run spends checking names.
func validName(name string) bool {
	if len(name) < 1 || len(name) > 96 {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// SplitBucketID splits "in.c-datagen" into stage "in" and name "c-datagen"
// and validates both.
func SplitBucketID(id string) (stage, name string, err error) {
	stage, name, ok := strings.Cut(id, ".")
	if !ok || name == "" {
		return "", "", fmt.Errorf("bucket id %q: want <stage>.<name>, e.g. in.c-datagen", id)
	}
	if stage != "in" && stage != "out" {
		return "", "", fmt.Errorf("bucket id %q: stage must be \"in\" or \"out\", not %q", id, stage)
	}
	if !validName(name) {
		return "", "", fmt.Errorf("bucket id %q: name %q may contain only letters, digits, '_' and '-' (1-96 characters)", id, name)
	}
	return stage, name, nil
}

// SplitTableID splits "in.c-datagen.orders" into bucket "in.c-datagen" and
// table "orders" and validates both.
func SplitTableID(id string) (bucketID, name string, err error) {
	i := strings.LastIndexByte(id, '.')
	if i <= 0 || strings.Count(id, ".") != 2 {
		return "", "", fmt.Errorf("table id %q: want <stage>.<bucket>.<table>, e.g. in.c-datagen.orders", id)
	}
	bucketID, name = id[:i], id[i+1:]
	if _, _, err := SplitBucketID(bucketID); err != nil {
		return "", "", fmt.Errorf("table id %q: %w", id, err)
	}
	if err := ValidateTableName(name); err != nil {
		return "", "", fmt.Errorf("table id %q: %w", id, err)
	}
	return bucketID, name, nil
}

// ValidateTableName checks a table name against Storage's rules.
func ValidateTableName(name string) error {
	if !validName(name) {
		return fmt.Errorf("table name %q may contain only letters, digits, '_' and '-' (1-96 characters)", name)
	}
	return nil
}

// BucketCreateName returns the name to send when creating bucketID: Storage
// adds the "c-" prefix itself unless the project has the feature
// disable-legacy-bucket-prefix, so the prefix is stripped then.
func BucketCreateName(bucketID string, legacyPrefix bool) (stage, name string, err error) {
	stage, name, err = SplitBucketID(bucketID)
	if err != nil {
		return "", "", err
	}
	if !legacyPrefix {
		return stage, name, nil
	}
	if !strings.HasPrefix(name, "c-") || len(name) == 2 {
		return "", "", fmt.Errorf("bucket id %q: in this project bucket names start with \"c-\", e.g. %s.c-%s", bucketID, stage, name)
	}
	return stage, strings.TrimPrefix(name, "c-"), nil
}

// GetBucket returns the bucket; a missing bucket gives an error for which
// IsNotFound is true.
func (c *Client) GetBucket(ctx context.Context, bucketID string) (*Bucket, error) {
	var b Bucket
	if _, err := c.do(ctx, call{method: "GET", path: "buckets/" + seg(bucketID), out: &b}); err != nil {
		return nil, err
	}
	return &b, nil
}

// CreateBucket creates bucketID. legacyPrefix is true unless the project has
// FeatureDisableLegacyBucketPrefix. A bucket that already exists (created
// concurrently, or by an earlier attempt whose answer was lost) is returned
// as if created.
func (c *Client) CreateBucket(ctx context.Context, bucketID string, legacyPrefix bool) (*Bucket, error) {
	stage, name, err := BucketCreateName(bucketID, legacyPrefix)
	if err != nil {
		return nil, err
	}
	var b Bucket
	body := map[string]string{"name": name, "stage": stage}
	_, err = c.do(ctx, call{method: "POST", path: "buckets", body: body, out: &b, safety: retrySafe})
	if IsAlreadyExists(err) {
		return c.GetBucket(ctx, bucketID)
	}
	if err != nil {
		return nil, fmt.Errorf("creating bucket %s: %w", bucketID, err)
	}
	if b.ID != bucketID {
		return nil, fmt.Errorf("creating bucket %s: Storage created %q instead; check the project's bucket prefix setting", bucketID, b.ID)
	}
	return &b, nil
}
