package studio

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"datagen/src/browsertest"
)

// browser is a headless Chromium driven through the DevTools protocol
// over a pipe (--remote-debugging-pipe: requests on fd 3, answers on fd
// 4, each message NUL-terminated), with one page attached.
type browser struct {
	t       *testing.T
	cmd     *exec.Cmd
	in      *os.File // our end of the browser's fd 3
	mu      sync.Mutex
	nextID  int
	pending map[int]chan cdpMessage
	session string
	// problems are the page's uncaught exceptions and console errors.
	problems []string
}

type cdpMessage struct {
	ID        int                       `json:"id,omitempty"`
	Method    string                    `json:"method,omitempty"`
	Params    json.RawMessage           `json:"params,omitempty"`
	Result    json.RawMessage           `json:"result,omitempty"`
	Error     *struct{ Message string } `json:"error,omitempty"`
	SessionID string                    `json:"sessionId,omitempty"`
}

// startBrowser starts Chromium and opens url in a page of width×height.
func startBrowser(t *testing.T, url string, width, height int) *browser {
	t.Helper()
	toBrowser, ourIn, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	ourOut, fromBrowser, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	args := append(append([]string{}, browsertest.Flags...), "--disable-extensions", "--disable-dev-shm-usage",
		"--user-data-dir="+filepath.Join(t.TempDir(), "profile"), "--remote-debugging-pipe", "about:blank")
	cmd := exec.Command(browsertest.Path, args...)
	cmd.ExtraFiles = []*os.File{toBrowser, fromBrowser}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	toBrowser.Close()
	fromBrowser.Close()
	b := &browser{t: t, cmd: cmd, in: ourIn, pending: map[int]chan cdpMessage{}}
	t.Cleanup(func() {
		ourIn.Close()
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		ourOut.Close()
		if t.Failed() {
			t.Logf("chromium stderr (tail): %s", tail(stderr.String(), 3000))
		}
	})
	go b.read(ourOut)

	var target struct{ TargetID string }
	b.call("", "Target.createTarget", map[string]any{"url": "about:blank"}, &target)
	var att struct{ SessionID string }
	b.call("", "Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true}, &att)
	b.session = att.SessionID
	b.call(b.session, "Runtime.enable", nil, nil)
	b.call(b.session, "Page.enable", nil, nil)
	b.call(b.session, "Emulation.setDeviceMetricsOverride",
		map[string]any{"width": width, "height": height, "deviceScaleFactor": 1, "mobile": false}, nil)
	b.call(b.session, "Page.navigate", map[string]any{"url": url}, nil)
	return b
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// read dispatches the browser's messages: answers to their callers,
// console errors and exceptions into problems.
func (b *browser) read(r *os.File) {
	br := bufio.NewReader(r)
	for {
		raw, err := br.ReadBytes(0)
		if err != nil {
			return
		}
		var m cdpMessage
		if json.Unmarshal(raw[:len(raw)-1], &m) != nil {
			continue
		}
		b.mu.Lock()
		if m.ID != 0 {
			if ch := b.pending[m.ID]; ch != nil {
				ch <- m
				delete(b.pending, m.ID)
			}
		} else {
			switch m.Method {
			case "Runtime.exceptionThrown":
				b.problems = append(b.problems, "exception: "+string(m.Params))
			case "Runtime.consoleAPICalled":
				var p struct {
					Type string
					Args []struct{ Value any }
				}
				if json.Unmarshal(m.Params, &p) == nil && (p.Type == "error" || p.Type == "assert") {
					b.problems = append(b.problems, fmt.Sprintf("console.%s: %v", p.Type, p.Args))
				}
			}
		}
		b.mu.Unlock()
	}
}

// call sends one command and decodes its result into out (when not nil).
func (b *browser) call(session, method string, params any, out any) {
	b.t.Helper()
	b.mu.Lock()
	b.nextID++
	id := b.nextID
	ch := make(chan cdpMessage, 1)
	b.pending[id] = ch
	b.mu.Unlock()
	msg := map[string]any{"id": id, "method": method}
	if params != nil {
		msg["params"] = params
	}
	if session != "" {
		msg["sessionId"] = session
	}
	data, _ := json.Marshal(msg)
	if _, err := b.in.Write(append(data, 0)); err != nil {
		b.t.Fatalf("%s: %v", method, err)
	}
	select {
	case m := <-ch:
		if m.Error != nil {
			b.t.Fatalf("%s: %s", method, m.Error.Message)
		}
		if out != nil {
			if err := json.Unmarshal(m.Result, out); err != nil {
				b.t.Fatalf("%s: %v", method, err)
			}
		}
	case <-time.After(60 * time.Second):
		b.t.Fatalf("%s: no answer from chromium", method)
	}
}

// eval evaluates a JavaScript expression in the page (awaiting a
// promise) and decodes its value into out.
func (b *browser) eval(expr string, out any) {
	b.t.Helper()
	var res struct {
		Result           struct{ Value json.RawMessage }
		ExceptionDetails *struct {
			Text      string
			Exception struct{ Description string }
		}
	}
	b.call(b.session, "Runtime.evaluate", map[string]any{"expression": expr, "awaitPromise": true, "returnByValue": true}, &res)
	if res.ExceptionDetails != nil {
		b.t.Fatalf("evaluating %s: %s %s", expr, res.ExceptionDetails.Text, res.ExceptionDetails.Exception.Description)
	}
	if out != nil && len(res.Result.Value) > 0 {
		if err := json.Unmarshal(res.Result.Value, out); err != nil {
			b.t.Fatalf("evaluating %s: %v", expr, err)
		}
	}
}

// waitFor polls a JavaScript condition until it is true.
func (b *browser) waitFor(what, cond string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		var ok bool
		b.eval("(() => { try { return !!("+cond+") } catch (e) { return false } })()", &ok)
		if ok {
			return
		}
		select {
		case <-ctx.Done():
			var state string
			b.eval(`document.getElementById("status") ? document.getElementById("status").textContent : String(document.body && document.body.innerText).slice(0, 500)`, &state)
			var dom string
			b.eval(`document.body ? document.body.dataset.state + " " + document.getElementById("sample").innerHTML.slice(0, 300) : ""`, &dom)
			b.t.Fatalf("waiting for %s: timed out (status %q; %s)", what, state, dom)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// screenshot captures the page as PNG.
func (b *browser) screenshot() []byte {
	b.t.Helper()
	var res struct{ Data []byte }
	b.call(b.session, "Page.captureScreenshot", map[string]any{"format": "png"}, &res)
	return res.Data
}

// jsErrors returns the page's exceptions and console errors so far.
func (b *browser) jsErrors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.problems...)
}
