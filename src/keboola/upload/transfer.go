package upload

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"

	"github.com/klauspost/compress/gzip"
)

// progress counts what a table has moved so far; read by the progress logger.
type progress struct {
	read atomic.Int64 // source bytes read
	sent atomic.Int64 // bytes handed to the cloud uploader (compressed)
	rows atomic.Int64 // data rows seen (header excluded)
}

// part is one object to upload: a whole file, a byte range of one, a slice,
// or bytes held in memory (header-only files).
type part struct {
	suffix     string
	file       sourceFile
	off, n     int64 // byte range of file; n < 0 means to the end
	inline     []byte
	skipHeader bool // the first record is the header, not a row
}

// errAborted unblocks a pipe writer when the upload stopped reading early.
var errAborted = errors.New("upload aborted")

// countingReader adds the bytes read to a counter.
type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// liveRows feeds a rowCounter and publishes the running count.
type liveRows struct {
	rc   rowCounter
	prog *progress
}

func (l *liveRows) Write(p []byte) (int, error) {
	before := l.rc.rows
	n, _ := l.rc.Write(p)
	l.prog.rows.Add(l.rc.rows - before)
	return n, nil
}

// finish accounts for an unterminated last record and the header, and
// returns the part's data rows.
func (l *liveRows) finish(skipHeader bool) int64 {
	total := l.rc.records()
	l.prog.rows.Add(total - l.rc.rows)
	if skipHeader && total > 0 {
		l.prog.rows.Add(-1)
		total--
	}
	return total
}

// putPart streams one part into the store: gzip-compressing plain CSV on the
// fly, passing gzip input through, and counting rows either way. It returns
// the data rows of the part.
func putPart(ctx context.Context, store objectStore, p part, d dialect, level int, prog *progress) (int64, error) {
	wctx, stop := watchStall(ctx, &prog.sent, StallTimeout)
	n, err := putPartWatched(wctx, store, p, d, level, prog)
	var st errStalled
	if cause := context.Cause(wctx); err != nil && errors.As(cause, &st) && ctx.Err() == nil {
		err = fmt.Errorf("%s: %w", p.file.name, st)
	}
	stop()
	return n, err
}

// putPartWatched is putPart under the stall watch.
func putPartWatched(ctx context.Context, store objectStore, p part, d dialect, level int, prog *progress) (int64, error) {
	var src io.Reader
	switch {
	case p.inline != nil:
		src = bytes.NewReader(p.inline)
	default:
		f, err := os.Open(p.file.path)
		if err != nil {
			return 0, err
		}
		defer f.Close()
		if p.n >= 0 {
			src = io.NewSectionReader(f, p.off, p.n)
		} else {
			src = f
		}
	}
	src = &countingReader{r: src, n: &prog.read}
	rows := &liveRows{rc: rowCounter{d: d}, prog: prog}

	if p.file.gzip && p.inline == nil {
		return putGzipped(ctx, store, p, src, rows, prog)
	}
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		zw, err := gzip.NewWriterLevel(pw, level)
		if err != nil {
			pw.CloseWithError(err)
			done <- err
			return
		}
		_, err = io.Copy(zw, io.TeeReader(src, rows))
		if cerr := zw.Close(); err == nil {
			err = cerr
		}
		pw.CloseWithError(err)
		done <- err
	}()
	err := store.put(ctx, p.suffix, &countingReader{r: pr, n: &prog.sent})
	pr.CloseWithError(errAborted)
	werr := <-done
	if err != nil {
		return 0, err
	}
	if werr != nil {
		return 0, fmt.Errorf("compressing %s: %w", p.file.name, werr)
	}
	return rows.finish(p.skipHeader), nil
}

// putGzipped uploads gzip input unchanged while a goroutine decompresses a
// copy to count rows (and to catch corrupt input before Storage does).
func putGzipped(ctx context.Context, store objectStore, p part, src io.Reader, rows *liveRows, prog *progress) (int64, error) {
	cr, cw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		zr, err := gzip.NewReader(cr)
		if err == nil {
			_, err = io.Copy(rows, zr)
		}
		if err != nil {
			err = fmt.Errorf("%s is not valid gzip: %w", p.file.name, err)
			cr.CloseWithError(err)
		} else {
			_, _ = io.Copy(io.Discard, cr)
		}
		done <- err
	}()
	err := store.put(ctx, p.suffix, &countingReader{r: io.TeeReader(src, cw), n: &prog.sent})
	if err != nil {
		cw.CloseWithError(errAborted)
		if cerr := <-done; cerr != nil && !errors.Is(cerr, errAborted) {
			return 0, cerr
		}
		return 0, err
	}
	cw.Close()
	if cerr := <-done; cerr != nil {
		return 0, cerr
	}
	return rows.finish(p.skipHeader), nil
}

// StallTimeout is how long an upload to cloud storage may go without
// sending a byte before it is abandoned as stalled (docs/upload.md).
var StallTimeout = 2 * time.Minute

// errStalled is the cause of a context cancelled by watchStall.
type errStalled struct{ after time.Duration }

func (e errStalled) Error() string {
	return fmt.Sprintf("the upload to cloud storage sent nothing for %s and was abandoned (a hung connection); run the upload again", e.after)
}

// watchStall returns a context that is cancelled with errStalled when
// counter does not grow for window; stop ends the watch.
func watchStall(ctx context.Context, counter *atomic.Int64, window time.Duration) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	done := make(chan struct{})
	go func() {
		tick := time.NewTicker(max(window/8, time.Millisecond))
		defer tick.Stop()
		last, since := counter.Load(), time.Now()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-tick.C:
				if v := counter.Load(); v != last {
					last, since = v, time.Now()
				} else if time.Since(since) >= window {
					cancel(errStalled{window})
					return
				}
			}
		}
	}()
	return ctx, func() { close(done); cancel(nil) }
}
