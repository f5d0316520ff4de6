package objstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	tmtypes "github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// S3MinPartSize is the smallest part S3 accepts in a multipart upload
// (every part but the last).
const S3MinPartSize = 5 << 20

// S3Options configure an S3 store.
type S3Options struct {
	Bucket string
	// ACL and ServerSideEncryption, when set, are given to every object.
	ACL                  string
	ServerSideEncryption string
	// PartSize is the multipart part size (at least S3MinPartSize).
	PartSize int64
	// Concurrency is the parts Put uploads at once within one object.
	Concurrency int
}

// S3 is a bucket of Amazon S3 or of an S3-compatible service.
type S3 struct {
	client   *s3.Client
	transfer *transfermanager.Client
	opts     S3Options
}

// NewS3 returns the store of bucket o.Bucket reached through client.
func NewS3(client *s3.Client, o S3Options) *S3 {
	o.PartSize = max(o.PartSize, S3MinPartSize)
	tm := transfermanager.New(client, func(t *transfermanager.Options) {
		t.PartSizeBytes = o.PartSize
		t.MultipartUploadThreshold = o.PartSize
		t.Concurrency = max(o.Concurrency, 1)
		t.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
	})
	return &S3{client: client, transfer: tm, opts: o}
}

// URL is s3://bucket/key.
func (s *S3) URL(key string) string { return "s3://" + s.opts.Bucket + "/" + key }

func (s *S3) fail(what, key string, err error) error {
	return fmt.Errorf("%s %s: %w", what, s.URL(key), OneLine("Amazon S3", what, err))
}

// Put uploads r to key through the transfer manager (parts uploaded
// concurrently).
func (s *S3) Put(ctx context.Context, key string, r io.Reader) error {
	in := &transfermanager.UploadObjectInput{Bucket: aws.String(s.opts.Bucket), Key: aws.String(key), Body: r}
	if s.opts.ACL != "" {
		in.ACL = tmtypes.ObjectCannedACL(s.opts.ACL)
	}
	if s.opts.ServerSideEncryption != "" {
		in.ServerSideEncryption = tmtypes.ServerSideEncryption(s.opts.ServerSideEncryption)
	}
	if _, err := s.transfer.UploadObject(ctx, in); err != nil {
		return s.fail("upload", key, err)
	}
	return nil
}

// Create starts a multipart upload, created when the first part is full
// or at Close; parts are sent in the background, S3Options.Concurrency at
// a time (memory: that many parts and one more). An empty object is sent
// by one PutObject at Commit.
func (s *S3) Create(ctx context.Context, key string) (Upload, error) {
	ctx, cancel := context.WithCancel(ctx)
	u := &s3Upload{s: s, ctx: ctx, cancel: cancel, key: key}
	u.w = newPartWriter(int(s.opts.PartSize), s.opts.Concurrency, u.start, u.sendPart)
	return u, nil
}

// List lists the objects under prefix.
func (s *S3) List(ctx context.Context, prefix string) ([]Object, error) {
	var out []Object
	p := s3.NewListObjectsV2Paginator(s.client, &s3.ListObjectsV2Input{Bucket: aws.String(s.opts.Bucket), Prefix: aws.String(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, s.fail("listing", prefix, err)
		}
		for _, o := range page.Contents {
			out = append(out, Object{Key: aws.ToString(o.Key), Size: aws.ToInt64(o.Size), Modified: aws.ToTime(o.LastModified)})
		}
	}
	return out, nil
}

// Open reads object key.
func (s *S3) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.opts.Bucket), Key: aws.String(key)})
	if err != nil {
		var nk *types.NoSuchKey
		if errors.As(err, &nk) {
			return nil, fmt.Errorf("%s: %w", s.URL(key), ErrNotFound)
		}
		return nil, s.fail("read", key, err)
	}
	return out.Body, nil
}

// Delete removes object key.
func (s *S3) Delete(ctx context.Context, key string) error {
	if _, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(s.opts.Bucket), Key: aws.String(key)}); err != nil {
		return s.fail("delete", key, err)
	}
	return nil
}

// s3Upload is a multipart upload completed only at Commit.
type s3Upload struct {
	s      *S3
	ctx    context.Context
	cancel context.CancelFunc
	key    string
	w      *partWriter
	id     string // the multipart upload, once created
	mu     sync.Mutex
	parts  []types.CompletedPart
	closed bool
	err    error
}

func (u *s3Upload) Write(p []byte) (int, error) {
	if u.closed {
		return 0, errors.New("write after close")
	}
	return u.w.write(p)
}

// start creates the multipart upload.
func (u *s3Upload) start() error {
	in := &s3.CreateMultipartUploadInput{Bucket: aws.String(u.s.opts.Bucket), Key: aws.String(u.key)}
	if u.s.opts.ACL != "" {
		in.ACL = types.ObjectCannedACL(u.s.opts.ACL)
	}
	if u.s.opts.ServerSideEncryption != "" {
		in.ServerSideEncryption = types.ServerSideEncryption(u.s.opts.ServerSideEncryption)
	}
	out, err := u.s.client.CreateMultipartUpload(u.ctx, in)
	if err != nil {
		return u.s.fail("upload", u.key, err)
	}
	u.id = aws.ToString(out.UploadId)
	return nil
}

// sendPart uploads part num.
func (u *s3Upload) sendPart(num int, body []byte) error {
	out, err := u.s.client.UploadPart(u.ctx, &s3.UploadPartInput{Bucket: aws.String(u.s.opts.Bucket), Key: aws.String(u.key),
		UploadId: aws.String(u.id), PartNumber: aws.Int32(int32(num)), Body: bytes.NewReader(body), ContentLength: aws.Int64(int64(len(body)))})
	if err != nil {
		return u.s.fail("upload", u.key, err)
	}
	u.mu.Lock()
	u.parts = append(u.parts, types.CompletedPart{ETag: out.ETag, PartNumber: aws.Int32(int32(num))})
	u.mu.Unlock()
	return nil
}

// Close sends the last part (the only one of an object smaller than a
// part: S3 takes a last part of any size) and waits for every part, so
// that nothing stays in memory until the commit.
func (u *s3Upload) Close() error {
	if u.closed {
		return u.err
	}
	u.closed = true
	u.err = u.w.flush()
	return u.err
}

// Commit completes the multipart upload, or puts the empty object.
func (u *s3Upload) Commit(ctx context.Context) error {
	if !u.closed {
		return errors.New("commit before close")
	}
	if u.err != nil {
		return u.err
	}
	defer u.cancel()
	if u.id == "" {
		// An empty object: a multipart upload needs a part.
		in := &s3.PutObjectInput{Bucket: aws.String(u.s.opts.Bucket), Key: aws.String(u.key), Body: bytes.NewReader(nil),
			ContentLength: aws.Int64(0)}
		if u.s.opts.ACL != "" {
			in.ACL = types.ObjectCannedACL(u.s.opts.ACL)
		}
		if u.s.opts.ServerSideEncryption != "" {
			in.ServerSideEncryption = types.ServerSideEncryption(u.s.opts.ServerSideEncryption)
		}
		if _, err := u.s.client.PutObject(ctx, in); err != nil {
			return u.s.fail("upload", u.key, err)
		}
		return nil
	}
	slices.SortFunc(u.parts, func(a, b types.CompletedPart) int { return int(aws.ToInt32(a.PartNumber) - aws.ToInt32(b.PartNumber)) })
	_, err := u.s.client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String(u.s.opts.Bucket),
		Key: aws.String(u.key), UploadId: aws.String(u.id), MultipartUpload: &types.CompletedMultipartUpload{Parts: u.parts}})
	if err != nil {
		return u.s.fail("upload", u.key, err)
	}
	u.id = ""
	return nil
}

// Abort stops the parts in flight and aborts the multipart upload; its
// parts are discarded.
func (u *s3Upload) Abort(ctx context.Context) error {
	u.cancel()
	u.w.stop()
	u.closed = true
	if u.err == nil {
		u.err = errStopped
	}
	if u.id == "" {
		return nil
	}
	id := u.id
	u.id = ""
	if _, err := u.s.client.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String(u.s.opts.Bucket),
		Key: aws.String(u.key), UploadId: aws.String(id)}); err != nil {
		return u.s.fail("abort", u.key, err)
	}
	return nil
}
