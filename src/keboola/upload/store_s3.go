package upload

import (
	"context"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"datagen/src/keboola/storage"
)

// s3Store uploads to S3 with the temporary STS credentials of a prepared
// file, using multipart uploads for anything above one part.
type s3Store struct {
	params   *storage.S3UploadParams
	uploader *manager.Uploader
}

// newS3Store builds an S3 client from the prepare answer only; the ambient
// AWS configuration (env, profiles, instance roles) is never consulted.
func newS3Store(f *storage.File, cfg storeConfig) (*s3Store, error) {
	p := f.S3
	creds := credentials.NewStaticCredentialsProvider(p.Credentials.AccessKeyID, p.Credentials.SecretAccessKey, p.Credentials.SessionToken)
	region := f.Region
	if region == "" {
		region = "us-east-1"
	}
	client := s3.New(s3.Options{
		Region:                     region,
		Credentials:                aws.NewCredentialsCache(creds),
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	}, func(o *s3.Options) {
		if cfg.endpoints.S3 != "" {
			o.BaseEndpoint = aws.String(cfg.endpoints.S3)
			o.UsePathStyle = true
		}
		if cfg.endpoints.HTTPClient != nil {
			o.HTTPClient = cfg.endpoints.HTTPClient
		}
	})
	up := manager.NewUploader(client, func(u *manager.Uploader) {
		u.PartSize = max(cfg.partSize, manager.MinUploadPartSize)
		u.Concurrency = max(cfg.concurrency, 1)
		u.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
	})
	return &s3Store{params: p, uploader: up}, nil
}

// put uploads r to key+suffix with the ACL and server-side encryption the
// prepare answer asks for.
func (s *s3Store) put(ctx context.Context, suffix string, r io.Reader) error {
	in := &s3.PutObjectInput{
		Bucket: aws.String(s.params.Bucket),
		Key:    aws.String(s.params.Key + suffix),
		Body:   r,
	}
	if s.params.ACL != "" {
		in.ACL = types.ObjectCannedACL(s.params.ACL)
	}
	if s.params.ServerSideEncryption != "" {
		in.ServerSideEncryption = types.ServerSideEncryption(s.params.ServerSideEncryption)
	}
	if _, err := s.uploader.Upload(ctx, in); err != nil {
		return fmt.Errorf("S3 upload to s3://%s/%s: %w", s.params.Bucket, s.params.Key+suffix, err)
	}
	return nil
}

// url is the slice-manifest URL of key+suffix.
func (s *s3Store) url(suffix string) string {
	return "s3://" + s.params.Bucket + "/" + s.params.Key + suffix
}

// close releases nothing; the SDK client holds no resources.
func (s *s3Store) close() error { return nil }
