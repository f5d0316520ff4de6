package upload

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/container"

	"datagen/src/keboola/storage"
	"datagen/src/objstore"
)

// absStore uploads block blobs to Azure Blob Storage with the SAS of a
// prepared file (objstore.ABS).
type absStore struct {
	params *storage.ABSUploadParams
	abs    *objstore.ABS
}

// newABSStore parses the SAS connection string and opens the container.
func newABSStore(f *storage.File, cfg storeConfig) (*absStore, error) {
	p := f.ABS
	conn, err := storage.ParseSASConnectionString(p.Credentials.SASConnectionString)
	if err != nil {
		return nil, fmt.Errorf("file %d: %w", f.ID, err)
	}
	containerURL := conn.BlobEndpoint + "/" + p.Container + "?" + conn.SharedAccessSignature
	var opts *container.ClientOptions
	if cfg.endpoints.HTTPClient != nil {
		opts = &container.ClientOptions{}
		opts.Transport = cfg.endpoints.HTTPClient
	}
	cc, err := container.NewClientWithNoCredential(containerURL, opts)
	if err != nil {
		// The SDK error would quote the URL with its signature.
		return nil, fmt.Errorf("file %d: invalid Azure container URL for container %q", f.ID, p.Container)
	}
	return &absStore{params: p, abs: objstore.NewABS(cc, p.Container, objstore.ABSOptions{BlockSize: cfg.partSize, Concurrency: cfg.concurrency})}, nil
}

// put uploads r as the block blob blobName+suffix.
func (s *absStore) put(ctx context.Context, suffix string, r io.Reader) error {
	return credentialsHint(s.abs.Put(ctx, s.params.BlobName+suffix, r))
}

// url is the slice-manifest URL of blobName+suffix.
func (s *absStore) url(suffix string) string {
	account := s.params.AccountName
	return "azure://" + account + ".blob.core.windows.net/" + s.params.Container + "/" +
		strings.TrimPrefix(s.params.BlobName+suffix, "/")
}

// close releases nothing; the SDK client holds no resources.
func (s *absStore) close() error { return nil }
