package objstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// pending is an upload that leaves state in the store until it is
// committed or aborted, which another process can discard by its handle.
type pending interface {
	handle() string
}

// Handle names what an upload holds in the store before its Commit, so
// that another process can Discard it when the writing process dies
// first: the multipart upload id on S3, the name prefix of the components
// of a GCS composite upload; "" when there is nothing to discard (an
// Azure blob's uncommitted blocks, which the service drops after a week;
// a GCS resumable session, which expires), or nothing yet.
func Handle(u Upload) string {
	if h, ok := u.(*Hashed); ok {
		u = h.Upload
	}
	if p, ok := u.(pending); ok {
		return p.handle()
	}
	return ""
}

// discarder is a Store that can discard a dead process's upload.
type discarder interface {
	discard(ctx context.Context, key, handle string) error
}

// Discard discards the upload of key named by handle (see Handle); an
// upload already completed or discarded is not an error, nor is a store
// that leaves nothing to discard.
func Discard(ctx context.Context, s Store, key, handle string) error {
	if handle == "" {
		return nil
	}
	if d, ok := s.(discarder); ok {
		return d.discard(ctx, key, handle)
	}
	return nil
}

func (u *s3Upload) handle() string { return u.id }

// discard aborts the multipart upload id of key.
func (s *S3) discard(ctx context.Context, key, id string) error {
	_, err := s.client.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String(s.opts.Bucket),
		Key: aws.String(key), UploadId: aws.String(id)})
	var nu *types.NoSuchUpload
	if err == nil || errors.As(err, &nu) {
		return nil
	}
	if pe := OneLine("Amazon S3", "abort", err); pe != nil {
		var p *ProviderError
		if errors.As(pe, &p) && p.Code == "NoSuchUpload" {
			return nil
		}
	}
	return fmt.Errorf("discarding the upload of %s: %w", s.URL(key), OneLine("Amazon S3", "abort", err))
}
