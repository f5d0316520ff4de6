package storage

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
)

// Token is the answer of tokens/verify: who the token is and what it may do.
type Token struct {
	ID                    FlexString      `json:"id"`
	Description           string          `json:"description"`
	IsMasterToken         FlexBool        `json:"isMasterToken"`
	CanManageBuckets      FlexBool        `json:"canManageBuckets"`
	CanReadAllFileUploads FlexBool        `json:"canReadAllFileUploads"`
	BucketPermissions     FlexMap[string] `json:"bucketPermissions"`
	IsExpired             FlexBool        `json:"isExpired"`
	IsDisabled            FlexBool        `json:"isDisabled"`
	Expires               string          `json:"expires"`
	Admin                 *TokenAdmin     `json:"admin"`
	Owner                 Owner           `json:"owner"`
}

// TokenAdmin describes the user behind an admin token.
type TokenAdmin struct {
	ID   FlexString `json:"id"`
	Name string     `json:"name"`
	Role string     `json:"role"`
}

// Owner is the project that owns the token.
type Owner struct {
	ID                  FlexString          `json:"id"`
	Name                string              `json:"name"`
	Region              string              `json:"region"`
	Features            []string            `json:"features"`
	DefaultBackend      string              `json:"defaultBackend"`
	FileStorageProvider string              `json:"fileStorageProvider"`
	Limits              FlexMap[OwnerLimit] `json:"limits"`
}

// OwnerLimit is one project limit, e.g. "storage.jobsParallelism".
type OwnerLimit struct {
	Name  string     `json:"name"`
	Value FlexString `json:"value"`
}

// Project feature flags that change how tables and buckets are created.
const (
	FeatureNativeTypes                = "native-types"
	FeatureNewNativeTypes             = "new-native-types"
	FeatureDisableLegacyBucketPrefix  = "disable-legacy-bucket-prefix"
	limitJobsParallelism              = "storage.jobsParallelism"
	permissionWrite, permissionManage = "write", "manage"
)

// HasFeature reports whether the token's project has the feature flag.
func (t *Token) HasFeature(name string) bool { return slices.Contains(t.Owner.Features, name) }

// NativeTypes reports whether tables may be created with typed columns.
func (t *Token) NativeTypes() bool {
	return t.HasFeature(FeatureNativeTypes) || t.HasFeature(FeatureNewNativeTypes)
}

// JobsParallelism returns the project's limit of parallel Storage jobs, or 0
// when the project does not state one.
func (t *Token) JobsParallelism() int {
	l, ok := t.Owner.Limits[limitJobsParallelism]
	if !ok {
		return 0
	}
	n, err := strconv.Atoi(string(l.Value))
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// ReadOnly reports whether the token belongs to a read-only user.
func (t *Token) ReadOnly() bool {
	return t.Admin != nil && (t.Admin.Role == "readOnly" || t.Admin.Role == "readonly")
}

// CanWriteBucket reports whether the token may write tables into bucketID.
func (t *Token) CanWriteBucket(bucketID string) bool {
	if t.ReadOnly() {
		return false
	}
	if t.CanManageBuckets {
		return true
	}
	p := t.BucketPermissions[bucketID]
	return p == permissionWrite || p == permissionManage
}

// VerifyToken checks the token and returns its details. A rejected token, an
// unreachable host or a server that is not the Storage API give errors that
// say which of these it is.
func (c *Client) VerifyToken(ctx context.Context) (*Token, error) {
	var t Token
	// The first contact follows the client's retry policy (a maintenance
	// window is waited out), except that a URL nothing answers at fails
	// fast: 4 attempts while there is no HTTP answer.
	_, err := c.do(ctx, call{method: "GET", path: "tokens/verify", out: &t, transportAttempts: 4})
	if err == nil {
		if t.Owner.ID == "" && t.ID == "" {
			return nil, &ConnectError{URL: c.URL(), Reason: "the answer of tokens/verify has no token id; is this a Keboola Storage API URL?"}
		}
		if t.IsDisabled {
			return nil, fmt.Errorf("the Storage API token (id %s) is disabled", t.ID)
		}
		if t.IsExpired {
			return nil, fmt.Errorf("the Storage API token (id %s) has expired", t.ID)
		}
		return &t, nil
	}
	var ae *APIError
	var de *decodeError
	var te *transportError
	var ce *ConnectError
	switch {
	case errors.As(err, &ce):
		return nil, err
	case errors.As(err, &ae) && ae.StatusCode == 401:
		return nil, fmt.Errorf("the Storage API token was rejected by %s (invalid, expired or for another stack): %w", c.URL(), err)
	case errors.As(err, &ae) && ae.StatusCode == 404:
		return nil, &ConnectError{URL: c.URL(), Reason: "tokens/verify is not found; is this a Keboola Storage API URL?", Err: err}
	case errors.As(err, &de):
		return nil, &ConnectError{URL: c.URL(), Reason: "the answer is not the Storage API's JSON; is this a Keboola Storage API URL?", Err: err}
	case errors.As(err, &te):
		reason := "cannot connect"
		if isDNSNotFound(te.cause) {
			reason = "the host name does not resolve; check the URL"
		}
		return nil, &ConnectError{URL: c.URL(), Reason: reason, Err: err}
	}
	return nil, fmt.Errorf("verifying the Storage API token: %w", err)
}
