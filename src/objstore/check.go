package objstore

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/bloberror"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// ErrUnusable marks a target that cannot be written until its user fixes
// it: a bucket that does not exist, no credentials, credentials refused.
var ErrUnusable = errors.New("object storage target unusable")

// unusable is an error of ErrUnusable told in one line.
type unusable struct {
	msg string
	err error
}

func (e *unusable) Error() string             { return e.msg }
func (e *unusable) Unwrap() []error           { return []error{ErrUnusable, e.err} }
func newUnusable(msg string, err error) error { return &unusable{msg: msg, err: err} }

// checker is a Store that can check that it is usable.
type checker interface {
	check(ctx context.Context, prefix string) error
}

// Check makes one cheap request to the store before a run writes into it
// (S3: the credentials, then a listing of at most one key under prefix;
// GCS: a listing of at most one object; Azure: the container's
// properties), so that a missing bucket (or container) or missing or refused
// credentials (S3) show at once instead of after the whole run;
// credentials that may write but not list pass. Such a problem is an error satisfying
// errors.Is(err, ErrUnusable), told in one line. A store without a check
// passes.
func Check(ctx context.Context, s Store, prefix string) error {
	if c, ok := s.(checker); ok {
		return c.check(ctx, prefix)
	}
	return nil
}

// check retrieves the credentials, then lists at most one key under
// prefix.
func (s *S3) check(ctx context.Context, prefix string) error {
	if c := s.client.Options().Credentials; c != nil {
		if _, err := c.Retrieve(ctx); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return newUnusable("no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or AWS_PROFILE, or run with a role", err)
		}
	}
	_, err := s.client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(s.opts.Bucket),
		Prefix: aws.String(prefix), MaxKeys: aws.Int32(1)})
	if err == nil {
		return nil
	}
	one := OneLine("Amazon S3", "listing", err)
	var pe *ProviderError
	if errors.As(one, &pe) {
		switch {
		case pe.Code == "NoSuchBucket":
			return newUnusable(fmt.Sprintf("the bucket %q does not exist", s.opts.Bucket), err)
		case pe.Code == "AccessDenied":
			// Credentials allowed to write but not to list: the run
			// itself needs no listing.
			return nil
		case CredentialsRefused(pe.Code):
			return newUnusable(pe.Msg, err)
		}
	}
	return fmt.Errorf("listing %s: %w", s.URL(prefix), one)
}

// check lists at most one object under prefix: a bucket that does not
// exist is unusable; other failures are left to the run to report.
func (s *GCS) check(ctx context.Context, prefix string) error {
	u := s.root + "/storage/v1/b/" + url.PathEscape(s.bucket) + "/o?maxResults=1&fields=nextPageToken&prefix=" + url.QueryEscape(prefix)
	resp, err := s.call(ctx, http.MethodGet, u, "listing")
	switch {
	case errors.Is(err, ErrNotFound):
		return newUnusable(fmt.Sprintf("the bucket %q does not exist", s.bucket), err)
	case err == nil:
		drain(resp)
	}
	return ctx.Err()
}

// check reads the container's properties: a container that does not
// exist is unusable; other failures (credentials that may write blobs but
// not read the container) are left to the run to report.
func (s *ABS) check(ctx context.Context, _ string) error {
	_, err := s.container.GetProperties(ctx, nil)
	if bloberror.HasCode(err, bloberror.ContainerNotFound) {
		return newUnusable(fmt.Sprintf("the container %q does not exist", s.name), err)
	}
	return ctx.Err()
}
