package objstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/container"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/logging"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"
)

// PartSize is the part, chunk or block size of the uploads of Open's
// stores. An object being written holds one part in memory while it fills
// and two more in flight (S3, Azure, GCS composite uploads; a GCS
// resumable upload sends its chunks in turn).
const PartSize = 8 << 20

// Open returns the store of loc, with the credentials of the provider's
// standard chain and the endpoint its usual variables override (getenv
// reads the environment):
//
//   - s3: the AWS SDK's default chain (AWS_ACCESS_KEY_ID /
//     AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, AWS_PROFILE and the
//     shared files, web identity as on EKS, container and instance
//     roles); AWS_REGION or AWS_DEFAULT_REGION (default us-east-1);
//     AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL for an S3-compatible
//     service or emulator (then with path-style addressing).
//   - gs: Google's Application Default Credentials
//     (GOOGLE_APPLICATION_CREDENTIALS, gcloud's, the metadata server as on
//     GKE); STORAGE_EMULATOR_HOST (host:port or a URL) for an emulator,
//     then without credentials. Objects are written as parallel composite
//     uploads, two chunks in flight; DATAGEN_GCS_UPLOAD=resumable sends
//     the chunks of a resumable upload in turn instead (for buckets with
//     a retention policy, which keeps the components).
//   - az: AZURE_STORAGE_CONNECTION_STRING (Azurite's included), else the
//     account AZURE_STORAGE_ACCOUNT with AZURE_STORAGE_KEY or, without a
//     key, azidentity's default chain (environment, workload identity as
//     on AKS, managed identity, the Azure CLI).
func Open(ctx context.Context, loc Location, getenv func(string) string) (Store, error) {
	switch loc.Scheme {
	case "s3":
		return openS3(ctx, loc, getenv)
	case "gs":
		return openGCS(ctx, loc, getenv)
	case "az":
		return openABS(loc, getenv)
	}
	return nil, fmt.Errorf("unknown object storage scheme %q", loc.Scheme)
}

func firstEnv(getenv func(string) string, names ...string) string {
	for _, n := range names {
		if v := strings.TrimSpace(getenv(n)); v != "" {
			return v
		}
	}
	return ""
}

func openS3(ctx context.Context, loc Location, getenv func(string) string) (Store, error) {
	var opts []func(*config.LoadOptions) error
	if r := firstEnv(getenv, "AWS_REGION", "AWS_DEFAULT_REGION"); r != "" {
		opts = append(opts, config.WithRegion(r))
	}
	if id := getenv("AWS_ACCESS_KEY_ID"); id != "" {
		opts = append(opts, config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(id,
			getenv("AWS_SECRET_ACCESS_KEY"), getenv("AWS_SESSION_TOKEN"))))
	}
	// The SDK's own log lines (a WARN of falling back to IMDSv1 on a
	// machine without credentials) would interleave with the run's
	// output; its errors say what failed.
	opts = append(opts, config.WithLogger(logging.Nop{}))
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	endpoint := firstEnv(getenv, "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL")
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
			o.UsePathStyle = true
		}
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
	})
	return NewS3(client, S3Options{Bucket: loc.Bucket, PartSize: PartSize, Concurrency: 2}), nil
}

// tokenAuth authorizes with an OAuth2 token source.
type tokenAuth struct{ ts oauth2.TokenSource }

func (a tokenAuth) Authorization(context.Context) (string, error) {
	tok, err := a.ts.Token()
	if err != nil {
		return "", fmt.Errorf("no Google credentials (Application Default Credentials): %w", err)
	}
	return tok.Type() + " " + tok.AccessToken, nil
}

func openGCS(ctx context.Context, loc Location, getenv func(string) string) (Store, error) {
	o := GCSOptions{Bucket: loc.Bucket, ChunkSize: PartSize, Parallel: 2}
	switch mode := getenv("DATAGEN_GCS_UPLOAD"); mode {
	case "", "composite":
	case "resumable":
		o.Parallel = 0
	default:
		return nil, fmt.Errorf("DATAGEN_GCS_UPLOAD is %q: want composite (the default) or resumable", mode)
	}
	if host := getenv("STORAGE_EMULATOR_HOST"); host != "" {
		if !strings.Contains(host, "://") {
			host = "http://" + host
		}
		o.Root = host
	} else {
		ts, err := google.DefaultTokenSource(ctx, "https://www.googleapis.com/auth/devstorage.read_write")
		if err != nil {
			return nil, fmt.Errorf("no Google credentials (Application Default Credentials): %w", err)
		}
		o.Auth = tokenAuth{ts}
	}
	return NewGCS(o), nil
}

func openABS(loc Location, getenv func(string) string) (Store, error) {
	opts := ABSOptions{BlockSize: PartSize, Concurrency: 2}
	if conn := getenv("AZURE_STORAGE_CONNECTION_STRING"); conn != "" {
		c, err := container.NewClientFromConnectionString(conn, loc.Bucket, nil)
		if err != nil {
			// The SDK's error may quote the key.
			return nil, fmt.Errorf("AZURE_STORAGE_CONNECTION_STRING is not a valid Azure Storage connection string")
		}
		return NewABS(c, loc.Bucket, opts), nil
	}
	account := firstEnv(getenv, "AZURE_STORAGE_ACCOUNT", "AZURE_STORAGE_ACCOUNT_NAME")
	if account == "" {
		return nil, fmt.Errorf("az://%s: set AZURE_STORAGE_ACCOUNT (or AZURE_STORAGE_CONNECTION_STRING) to name the storage account", loc.Bucket)
	}
	u := "https://" + account + ".blob.core.windows.net/" + loc.Bucket
	if key := getenv("AZURE_STORAGE_KEY"); key != "" {
		cred, err := container.NewSharedKeyCredential(account, key)
		if err != nil {
			return nil, fmt.Errorf("AZURE_STORAGE_KEY: %w", err)
		}
		c, err := container.NewClientWithSharedKeyCredential(u, cred, nil)
		if err != nil {
			return nil, err
		}
		return NewABS(c, loc.Bucket, opts), nil
	}
	cred, err := azidentity.NewDefaultAzureCredential(nil)
	if err != nil {
		return nil, fmt.Errorf("no Azure credentials (azidentity default chain): %w", err)
	}
	c, err := container.NewClient(u, cred, nil)
	if err != nil {
		return nil, err
	}
	return NewABS(c, loc.Bucket, opts), nil
}
