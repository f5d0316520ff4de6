package objstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

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

// Create starts a multipart upload, created when the first part is full;
// an object smaller than one part is sent by one PutObject at Commit.
func (s *S3) Create(ctx context.Context, key string) (Upload, error) {
	return &s3Upload{s: s, ctx: ctx, key: key, buf: make([]byte, 0, s.opts.PartSize)}, nil
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
			out = append(out, Object{Key: aws.ToString(o.Key), Size: aws.ToInt64(o.Size)})
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
	key    string
	buf    []byte
	id     string // the multipart upload, once created
	parts  []types.CompletedPart
	closed bool
	err    error
}

func (u *s3Upload) Write(p []byte) (int, error) {
	if u.err != nil {
		return 0, u.err
	}
	if u.closed {
		return 0, errors.New("write after close")
	}
	n := 0
	for len(p) > 0 {
		k := copy(u.buf[len(u.buf):cap(u.buf)], p)
		u.buf = u.buf[:len(u.buf)+k]
		p, n = p[k:], n+k
		if len(u.buf) == cap(u.buf) {
			if err := u.sendPart(); err != nil {
				u.err = err
				return n, err
			}
		}
	}
	return n, nil
}

// sendPart uploads the buffer as the next part.
func (u *s3Upload) sendPart() error {
	if u.id == "" {
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
	}
	num := int32(len(u.parts) + 1)
	out, err := u.s.client.UploadPart(u.ctx, &s3.UploadPartInput{Bucket: aws.String(u.s.opts.Bucket), Key: aws.String(u.key),
		UploadId: aws.String(u.id), PartNumber: aws.Int32(num), Body: bytes.NewReader(u.buf), ContentLength: aws.Int64(int64(len(u.buf)))})
	if err != nil {
		return u.s.fail("upload", u.key, err)
	}
	u.parts = append(u.parts, types.CompletedPart{ETag: out.ETag, PartNumber: aws.Int32(num)})
	u.buf = u.buf[:0]
	return nil
}

// Close sends the last part of a multipart upload; a smaller object stays
// buffered for the PutObject of Commit.
func (u *s3Upload) Close() error {
	if u.err != nil || u.closed {
		return u.err
	}
	u.closed = true
	if u.id != "" && len(u.buf) > 0 {
		if err := u.sendPart(); err != nil {
			u.err = err
			return err
		}
	}
	if u.id != "" {
		u.buf = nil
	}
	return nil
}

// Commit completes the multipart upload, or puts the small object.
func (u *s3Upload) Commit(ctx context.Context) error {
	if u.err != nil {
		return u.err
	}
	if !u.closed {
		return errors.New("commit before close")
	}
	if u.id == "" {
		in := &s3.PutObjectInput{Bucket: aws.String(u.s.opts.Bucket), Key: aws.String(u.key), Body: bytes.NewReader(u.buf),
			ContentLength: aws.Int64(int64(len(u.buf)))}
		if u.s.opts.ACL != "" {
			in.ACL = types.ObjectCannedACL(u.s.opts.ACL)
		}
		if u.s.opts.ServerSideEncryption != "" {
			in.ServerSideEncryption = types.ServerSideEncryption(u.s.opts.ServerSideEncryption)
		}
		if _, err := u.s.client.PutObject(ctx, in); err != nil {
			return u.s.fail("upload", u.key, err)
		}
		u.buf = nil
		return nil
	}
	_, err := u.s.client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String(u.s.opts.Bucket),
		Key: aws.String(u.key), UploadId: aws.String(u.id), MultipartUpload: &types.CompletedMultipartUpload{Parts: u.parts}})
	if err != nil {
		return u.s.fail("upload", u.key, err)
	}
	u.id = ""
	return nil
}

// Abort aborts the multipart upload; its parts are discarded.
func (u *s3Upload) Abort(ctx context.Context) error {
	u.buf = nil
	u.closed = true
	if u.err == nil {
		u.err = errors.New("upload aborted")
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
