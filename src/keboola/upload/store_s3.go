package upload

import (
	"context"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	tmtypes "github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"datagen/src/keboola/storage"
)

// s3MinPartSize is the smallest part S3 accepts in a multipart upload
// (every part but the last).
const s3MinPartSize = 5 << 20

// s3Store uploads to S3 with the temporary STS credentials of a prepared
// file through the SDK's transfer manager, using a multipart upload for
// anything above one part.
type s3Store struct {
	params   *storage.S3UploadParams
	transfer *transfermanager.Client
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
	part := max(cfg.partSize, s3MinPartSize)
	tm := transfermanager.New(client, func(o *transfermanager.Options) {
		o.PartSizeBytes = part
		o.MultipartUploadThreshold = part
		o.Concurrency = max(cfg.concurrency, 1)
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
	})
	return &s3Store{params: p, transfer: tm}, nil
}

// put uploads r to key+suffix with the ACL and server-side encryption the
// prepare answer asks for.
func (s *s3Store) put(ctx context.Context, suffix string, r io.Reader) error {
	in := &transfermanager.UploadObjectInput{
		Bucket: aws.String(s.params.Bucket),
		Key:    aws.String(s.params.Key + suffix),
		Body:   r,
	}
	if s.params.ACL != "" {
		in.ACL = tmtypes.ObjectCannedACL(s.params.ACL)
	}
	if s.params.ServerSideEncryption != "" {
		in.ServerSideEncryption = tmtypes.ServerSideEncryption(s.params.ServerSideEncryption)
	}
	if _, err := s.transfer.UploadObject(ctx, in); err != nil {
		return fmt.Errorf("S3 upload to s3://%s/%s: %w", s.params.Bucket, s.params.Key+suffix, oneLine("Amazon S3", err))
	}
	return nil
}

// url is the slice-manifest URL of key+suffix.
func (s *s3Store) url(suffix string) string {
	return "s3://" + s.params.Bucket + "/" + s.params.Key + suffix
}

// close releases nothing; the SDK client holds no resources.
func (s *s3Store) close() error { return nil }
