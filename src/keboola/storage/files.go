package storage

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// File providers named by prepare answers and tokens/verify.
const (
	ProviderAWS   = "aws"
	ProviderAzure = "azure"
	ProviderGCP   = "gcp"
)

// PrepareFileRequest describes a file about to be uploaded to File Storage.
type PrepareFileRequest struct {
	// Name of the file; gzip content must end with ".gz".
	Name string `json:"name"`
	// SizeBytes is the size, when known.
	SizeBytes int64 `json:"sizeBytes,omitempty"`
	// IsSliced prepares a sliced file (slices plus a manifest).
	IsSliced bool `json:"isSliced"`
	// IsPermanent keeps the file beyond the default 15 days.
	IsPermanent bool `json:"isPermanent"`
	// Notify e-mails project members.
	Notify bool `json:"notify"`
	// Tags label the file in File Storage.
	Tags []string `json:"tags,omitempty"`
}

// prepareBody is what is sent: federationToken is always needed for the
// temporary cloud credentials.
type prepareBody struct {
	PrepareFileRequest
	FederationToken bool `json:"federationToken"`
	IsEncrypted     bool `json:"isEncrypted"`
}

// File is a prepared (or refreshed) file with its upload credentials.
// Exactly one of S3, ABS and GCS is set, matching Provider. The credentials
// are secrets: never log a File.
type File struct {
	ID       FlexInt `json:"id"`
	Name     string  `json:"name"`
	URL      string  `json:"url"`
	Provider string  `json:"provider"`
	Region   string  `json:"region"`
	IsSliced bool    `json:"isSliced"`
	Created  string  `json:"created"`

	S3  *S3UploadParams  `json:"uploadParams"`
	ABS *ABSUploadParams `json:"absUploadParams"`
	GCS *GCSUploadParams `json:"gcsUploadParams"`
}

// S3UploadParams locate the object and carry temporary STS credentials.
type S3UploadParams struct {
	Bucket               string        `json:"bucket"`
	Key                  string        `json:"key"`
	ACL                  string        `json:"acl"`
	ServerSideEncryption string        `json:"x-amz-server-side-encryption"`
	Credentials          S3Credentials `json:"credentials"`
}

// S3Credentials are temporary AWS session credentials.
type S3Credentials struct {
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string `json:"SecretAccessKey"`
	SessionToken    string `json:"SessionToken"`
	Expiration      string `json:"Expiration"`
}

// ABSUploadParams locate the blob and carry a SAS connection string.
type ABSUploadParams struct {
	BlobName    string         `json:"blobName"`
	AccountName string         `json:"accountName"`
	Container   string         `json:"container"`
	Credentials ABSCredentials `json:"absCredentials"`
}

// ABSCredentials hold the SAS connection string
// ("BlobEndpoint=...;SharedAccessSignature=...").
type ABSCredentials struct {
	SASConnectionString string `json:"SASConnectionString"`
	Expiration          string `json:"expiration"`
}

// GCSUploadParams locate the object and carry an OAuth2 access token.
type GCSUploadParams struct {
	ProjectID   string  `json:"projectId"`
	Bucket      string  `json:"bucket"`
	Key         string  `json:"key"`
	AccessToken string  `json:"access_token"`
	ExpiresIn   FlexInt `json:"expires_in"`
	TokenType   string  `json:"token_type"`
}

// Secrets returns the credential strings of the file, for redaction.
func (f *File) Secrets() []string {
	var s []string
	if f.S3 != nil {
		s = append(s, f.S3.Credentials.SecretAccessKey, f.S3.Credentials.SessionToken)
	}
	if f.ABS != nil {
		s = append(s, f.ABS.Credentials.SASConnectionString)
		if _, sas, ok := cutSAS(f.ABS.Credentials.SASConnectionString); ok {
			s = append(s, sas)
		}
	}
	if f.GCS != nil {
		s = append(s, f.GCS.AccessToken)
	}
	out := s[:0]
	for _, v := range s {
		if len(v) >= 8 {
			out = append(out, v)
		}
	}
	return out
}

// cutSAS extracts the SharedAccessSignature part of a connection string.
func cutSAS(conn string) (endpoint, sas string, ok bool) {
	kv, err := ParseSASConnectionString(conn)
	if err != nil {
		return "", "", false
	}
	return kv.BlobEndpoint, kv.SharedAccessSignature, true
}

// validate checks that the answer carries what the provider needs.
func (f *File) validate() error {
	if f.ID == 0 {
		return fmt.Errorf("prepared file has no id")
	}
	switch f.Provider {
	case ProviderAWS:
		if f.S3 == nil || f.S3.Bucket == "" || f.S3.Key == "" || f.S3.Credentials.AccessKeyID == "" {
			return fmt.Errorf("prepared file %d (aws) lacks uploadParams", f.ID)
		}
	case ProviderAzure:
		if f.ABS == nil || f.ABS.Container == "" || f.ABS.BlobName == "" || f.ABS.Credentials.SASConnectionString == "" {
			return fmt.Errorf("prepared file %d (azure) lacks absUploadParams", f.ID)
		}
	case ProviderGCP:
		if f.GCS == nil || f.GCS.Bucket == "" || f.GCS.Key == "" || f.GCS.AccessToken == "" {
			return fmt.Errorf("prepared file %d (gcp) lacks gcsUploadParams", f.ID)
		}
	default:
		return fmt.Errorf("prepared file %d: unknown file storage provider %q", f.ID, f.Provider)
	}
	return nil
}

// GCSExpiry returns when the GCS access token expires, counted from now
// (the answer gives seconds of validity).
func (f *File) GCSExpiry(now time.Time) time.Time {
	if f.GCS == nil || f.GCS.ExpiresIn <= 0 {
		return now.Add(time.Hour)
	}
	return now.Add(time.Duration(f.GCS.ExpiresIn) * time.Second)
}

// PrepareFile registers a file in File Storage and returns where and with
// which temporary credentials to upload it.
func (c *Client) PrepareFile(ctx context.Context, req PrepareFileRequest) (*File, error) {
	if req.Name == "" {
		return nil, fmt.Errorf("preparing a file upload: empty name")
	}
	var f File
	body := prepareBody{PrepareFileRequest: req, FederationToken: true, IsEncrypted: true}
	// An extra prepared file is harmless (it expires unused), so retrying is safe.
	if _, err := c.do(ctx, call{method: "POST", path: "files/prepare", body: body, out: &f, safety: retrySafe}); err != nil {
		return nil, fmt.Errorf("preparing upload of %s: %w", req.Name, err)
	}
	if err := f.validate(); err != nil {
		return nil, err
	}
	return &f, nil
}

// RefreshFile renews the temporary credentials of a prepared file (GCS
// tokens live one hour).
func (c *Client) RefreshFile(ctx context.Context, fileID int64) (*File, error) {
	var f File
	if _, err := c.do(ctx, call{method: "PUT", path: "files/" + strconv.FormatInt(fileID, 10) + "/refresh", out: &f}); err != nil {
		return nil, fmt.Errorf("refreshing credentials of file %d: %w", fileID, err)
	}
	return &f, nil
}

// SASConnection is a parsed Azure SAS connection string.
type SASConnection struct {
	// BlobEndpoint is e.g. "https://account.blob.core.windows.net".
	BlobEndpoint string
	// SharedAccessSignature is the query string without "?".
	SharedAccessSignature string
}

// ParseSASConnectionString parses "BlobEndpoint=...;SharedAccessSignature=...".
func ParseSASConnectionString(s string) (SASConnection, error) {
	var c SASConnection
	for part := range splitSemicolons(s) {
		k, v, ok := cutEq(part)
		if !ok {
			continue
		}
		switch k {
		case "BlobEndpoint":
			c.BlobEndpoint = v
		case "SharedAccessSignature":
			c.SharedAccessSignature = v
		}
	}
	if c.BlobEndpoint == "" || c.SharedAccessSignature == "" {
		return c, fmt.Errorf("SAS connection string lacks BlobEndpoint or SharedAccessSignature")
	}
	c.BlobEndpoint = trimRightSlash(c.BlobEndpoint)
	if len(c.SharedAccessSignature) > 0 && c.SharedAccessSignature[0] == '?' {
		c.SharedAccessSignature = c.SharedAccessSignature[1:]
	}
	return c, nil
}
