package upload

import (
	"context"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"datagen/src/keboola/storage"
	"datagen/src/objstore"
)

// s3Store uploads to S3 with the temporary STS credentials of a prepared
// file (objstore.S3: the transfer manager, a multipart upload for
// anything above one part).
type s3Store struct {
	params *storage.S3UploadParams
	s3     *objstore.S3
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
	return &s3Store{params: p, s3: objstore.NewS3(client, objstore.S3Options{Bucket: p.Bucket, ACL: p.ACL,
		ServerSideEncryption: p.ServerSideEncryption, PartSize: cfg.partSize, Concurrency: cfg.concurrency})}, nil
}

// put uploads r to key+suffix with the ACL and server-side encryption the
// prepare answer asks for.
func (s *s3Store) put(ctx context.Context, suffix string, r io.Reader) error {
	return credentialsHint(s.s3.Put(ctx, s.params.Key+suffix, r))
}

// url is the slice-manifest URL of key+suffix.
func (s *s3Store) url(suffix string) string { return s.s3.URL(s.params.Key + suffix) }

// close releases nothing; the SDK client holds no resources.
func (s *s3Store) close() error { return nil }
