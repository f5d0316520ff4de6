package objstore

import (
	"errors"
	"sync"
)

// partWriter cuts what is written into parts of a fixed size and sends
// them in the background, at most conc at a time: the writer goes on
// filling the next part while earlier ones travel. Memory is bounded by
// conc+1 parts. Not safe for concurrent writes.
type partWriter struct {
	size int
	// start runs once, before the first part is sent (it creates the
	// multipart upload).
	start func() error
	// send sends part num (1, 2, …); it runs in its own goroutine and must
	// not keep body after it returns.
	send func(num int, body []byte) error

	buf     []byte
	started bool
	n       int // parts handed to send
	sem     chan struct{}
	wg      sync.WaitGroup
	mu      sync.Mutex
	err     error // the first failure of a part
	free    [][]byte
}

func newPartWriter(size, conc int, start func() error, send func(int, []byte) error) *partWriter {
	return &partWriter{size: size, start: start, send: send, sem: make(chan struct{}, max(conc, 1))}
}

// failed returns the first failure of a part sent so far.
func (w *partWriter) failed() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// write buffers p, sending every part that fills.
func (w *partWriter) write(p []byte) (int, error) {
	if err := w.failed(); err != nil {
		return 0, err
	}
	n := 0
	for len(p) > 0 {
		if w.buf == nil {
			w.buf = w.take()
		}
		k := copy(w.buf[len(w.buf):w.size], p)
		w.buf = w.buf[:len(w.buf)+k]
		p, n = p[k:], n+k
		if len(w.buf) == w.size {
			if err := w.dispatch(); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}

// take returns a free buffer or a new one.
func (w *partWriter) take() []byte {
	w.mu.Lock()
	defer w.mu.Unlock()
	if k := len(w.free); k > 0 {
		b := w.free[k-1]
		w.free = w.free[:k-1]
		return b
	}
	return make([]byte, 0, w.size)
}

// dispatch hands the buffer to a goroutine as the next part.
func (w *partWriter) dispatch() error {
	if !w.started {
		if err := w.start(); err != nil {
			w.setErr(err)
			return err
		}
		w.started = true
	}
	w.n++
	num, body := w.n, w.buf
	w.buf = nil
	w.sem <- struct{}{}
	if err := w.failed(); err != nil {
		<-w.sem
		return err
	}
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		err := w.send(num, body)
		w.mu.Lock()
		if err != nil && w.err == nil {
			w.err = err
		}
		w.free = append(w.free, body[:0])
		w.mu.Unlock()
		<-w.sem
	}()
	return nil
}

func (w *partWriter) setErr(err error) {
	w.mu.Lock()
	if w.err == nil {
		w.err = err
	}
	w.mu.Unlock()
}

// flush sends what is buffered as the last part (when not empty) and waits
// for every part; it returns the first failure.
func (w *partWriter) flush() error {
	if len(w.buf) > 0 {
		if err := w.dispatch(); err != nil {
			w.wg.Wait()
			return err
		}
	}
	w.wg.Wait()
	w.buf, w.free = nil, nil
	return w.failed()
}

// stop waits for the parts in flight and makes every later write fail.
func (w *partWriter) stop() {
	w.setErr(errStopped)
	w.wg.Wait()
	w.buf, w.free = nil, nil
}

var errStopped = errors.New("upload aborted")
