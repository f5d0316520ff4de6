package objstore

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/streaming"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/bloberror"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/blockblob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/container"
)

// ABSOptions configure an Azure Blob Storage store.
type ABSOptions struct {
	// BlockSize is the block size (at least 1 MiB).
	BlockSize int64
	// Concurrency is the blocks Put uploads at once within one blob.
	Concurrency int
}

// ABS is a container of Azure Blob Storage; objects are block blobs.
type ABS struct {
	container *container.Client
	name      string
	blockSize int64
	conc      int
}

// NewABS returns the store of the container client c, named name.
func NewABS(c *container.Client, name string, o ABSOptions) *ABS {
	return &ABS{container: c, name: name, blockSize: max(o.BlockSize, 1<<20), conc: max(o.Concurrency, 1)}
}

// URL is az://container/key.
func (s *ABS) URL(key string) string { return "az://" + s.name + "/" + key }

func (s *ABS) fail(what, key string, err error) error {
	return fmt.Errorf("%s %s: %w", what, s.URL(key), OneLine("Azure Blob Storage", what, err))
}

// Put uploads r as block blob key, blocks sent concurrently.
func (s *ABS) Put(ctx context.Context, key string, r io.Reader) error {
	bb := s.container.NewBlockBlobClient(key)
	if _, err := bb.UploadStream(ctx, r, &blockblob.UploadStreamOptions{BlockSize: s.blockSize, Concurrency: s.conc}); err != nil {
		return s.fail("upload", key, err)
	}
	return nil
}

// Create stages the blob's blocks as they fill, ABSOptions.Concurrency
// at a time in the background; the blob appears when Commit commits the
// block list.
func (s *ABS) Create(ctx context.Context, key string) (Upload, error) {
	ctx, cancel := context.WithCancel(ctx)
	u := &absUpload{s: s, ctx: ctx, cancel: cancel, key: key, bb: s.container.NewBlockBlobClient(key)}
	// A random prefix keeps the blocks of two uploads of the same blob
	// apart.
	binary.BigEndian.PutUint64(u.nonce[:], rand.Uint64())
	u.w = newPartWriter(int(s.blockSize), s.conc, func() error { return nil }, u.stage)
	return u, nil
}

// List lists the blobs under prefix.
func (s *ABS) List(ctx context.Context, prefix string) ([]Object, error) {
	var out []Object
	p := s.container.NewListBlobsFlatPager(&container.ListBlobsFlatOptions{Prefix: to.Ptr(prefix)})
	for p.More() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, s.fail("listing", prefix, err)
		}
		for _, b := range page.Segment.BlobItems {
			var size int64
			if b.Properties != nil && b.Properties.ContentLength != nil {
				size = *b.Properties.ContentLength
			}
			var modified time.Time
			if b.Properties != nil && b.Properties.LastModified != nil {
				modified = *b.Properties.LastModified
			}
			out = append(out, Object{Key: *b.Name, Size: size, Modified: modified})
		}
	}
	return out, nil
}

// Open reads blob key.
func (s *ABS) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	resp, err := s.container.NewBlobClient(key).DownloadStream(ctx, nil)
	if bloberror.HasCode(err, bloberror.BlobNotFound) {
		return nil, fmt.Errorf("%s: %w", s.URL(key), ErrNotFound)
	}
	if err != nil {
		return nil, s.fail("read", key, err)
	}
	return resp.Body, nil
}

// Delete removes blob key.
func (s *ABS) Delete(ctx context.Context, key string) error {
	_, err := s.container.NewBlobClient(key).Delete(ctx, nil)
	if err != nil && !bloberror.HasCode(err, bloberror.BlobNotFound) {
		return s.fail("delete", key, err)
	}
	return nil
}

// absUpload stages blocks; the blob appears when its block list is
// committed. Uncommitted blocks are never visible (the service discards
// them after a week).
type absUpload struct {
	s      *ABS
	ctx    context.Context
	cancel context.CancelFunc
	key    string
	bb     *blockblob.Client
	w      *partWriter
	nonce  [8]byte
	blocks int // blocks staged, once closed
	closed bool
	err    error
}

func (u *absUpload) Write(p []byte) (int, error) {
	if u.closed {
		return 0, errors.New("write after close")
	}
	return u.w.write(p)
}

// blockID names block num (1, 2, …); ids of one blob have equal lengths,
// as the service requires.
func (u *absUpload) blockID(num int) string {
	var raw [16]byte
	copy(raw[:8], u.nonce[:])
	binary.BigEndian.PutUint64(raw[8:], uint64(num))
	return base64.StdEncoding.EncodeToString(raw[:])
}

// stage sends block num.
func (u *absUpload) stage(num int, body []byte) error {
	if _, err := u.bb.StageBlock(u.ctx, u.blockID(num), streaming.NopCloser(bytes.NewReader(body)), nil); err != nil {
		return u.s.fail("upload", u.key, err)
	}
	return nil
}

// Close stages the last block and waits for every block.
func (u *absUpload) Close() error {
	if u.closed {
		return u.err
	}
	u.closed = true
	u.err = u.w.flush()
	u.blocks = u.w.n
	return u.err
}

// Commit commits the block list: the blob appears whole.
func (u *absUpload) Commit(ctx context.Context) error {
	if !u.closed {
		return errors.New("commit before close")
	}
	if u.err != nil {
		return u.err
	}
	defer u.cancel()
	ids := make([]string, u.blocks)
	for i := range ids {
		ids[i] = u.blockID(i + 1)
	}
	if _, err := u.bb.CommitBlockList(ctx, ids, nil); err != nil {
		return u.s.fail("upload", u.key, err)
	}
	return nil
}

// Abort stops the blocks in flight and forgets them: no blob appears.
func (u *absUpload) Abort(context.Context) error {
	u.cancel()
	u.w.stop()
	u.closed = true
	if u.err == nil {
		u.err = errStopped
	}
	return nil
}
