package tuf_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tuf "github.com/libtuf/libtuf/bindings/go"
)

// A server that sends an endless timestamp: the download stops at the limit.
func TestEndlessBodyIsCutAtTheLimit(t *testing.T) {
	srv := serveRepo(t, demoRepo(t))
	srv.handle("/metadata/timestamp.json", func(w http.ResponseWriter, r *http.Request) {
		chunk := bytes.Repeat([]byte(" "), 4096)
		for i := 0; i < 1<<16; i++ {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	u := newUpdater(t, demoConfig(t, srv))
	err := u.Refresh(context.Background())
	var e *tuf.Error
	if !errors.Is(err, tuf.ErrLengthExceeded) || !errors.As(err, &e) || !strings.HasSuffix(e.URL, "/metadata/timestamp.json") {
		t.Fatalf("endless timestamp: %v", err)
	}
}

func TestServerErrorStatus(t *testing.T) {
	srv := serveRepo(t, demoRepo(t))
	srv.handle("/metadata/timestamp.json", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "broken", http.StatusInternalServerError)
	})
	u := newUpdater(t, demoConfig(t, srv))
	err := u.Refresh(context.Background())
	var e *tuf.Error
	if !errors.Is(err, tuf.ErrDownload) || !errors.As(err, &e) || e.HTTPStatus != 500 || e.Code != tuf.CodeDownload {
		t.Fatalf("500: %v (%#v)", err, e)
	}
	if errors.Is(err, tuf.ErrBadSignature) {
		t.Fatal("a download error matches ErrBadSignature")
	}
}

// tamperedCopy copies the demo repository with one file changed.
func tamperedCopy(t *testing.T, rel string, change func([]byte) []byte) string {
	t.Helper()
	dst := t.TempDir()
	src := demoRepo(t)
	err := filepath.Walk(src, func(path string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		r, _ := filepath.Rel(src, path)
		out := filepath.Join(dst, r)
		if fi.IsDir() {
			return os.MkdirAll(out, 0o755)
		}
		data := readFile(t, path)
		if r == rel {
			data = change(data)
		}
		return os.WriteFile(out, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func TestTamperedMetadata(t *testing.T) {
	repo := tamperedCopy(t, "metadata/timestamp.json", func(b []byte) []byte {
		return bytes.Replace(b, []byte("2099-01-01"), []byte("2099-01-02"), 1)
	})
	srv := serveRepo(t, repo)
	u := newUpdater(t, demoConfig(t, srv))
	err := u.Refresh(context.Background())
	var e *tuf.Error
	if !errors.Is(err, tuf.ErrBadSignature) || !errors.As(err, &e) || e.Role != "timestamp" {
		t.Fatalf("tampered timestamp: %v (%#v)", err, e)
	}
	// A snapshot that differs from the hashes timestamp lists.
	repo = tamperedCopy(t, "metadata/1.snapshot.json", func(b []byte) []byte {
		return bytes.Replace(b, []byte("2099-01-01"), []byte("2099-01-02"), 1)
	})
	u = newUpdater(t, demoConfig(t, serveRepo(t, repo)))
	if err := u.Refresh(context.Background()); !errors.Is(err, tuf.ErrLengthOrHashMismatch) {
		t.Fatalf("tampered snapshot: %v", err)
	}
}

func TestTamperedTarget(t *testing.T) {
	rel := "targets/93a92c4b9f80ef6fe400b265c6a9347652a05cb712d439e338d83f43b061811c.hello.txt"
	repo := tamperedCopy(t, rel, func(b []byte) []byte { c := bytes.Clone(b); c[0] ^= 1; return c })
	srv := serveRepo(t, repo)
	cfg := demoConfig(t, srv)
	u := newUpdater(t, cfg)
	info, err := u.GetTargetInfo(context.Background(), "hello.txt")
	if err != nil {
		t.Fatal(err)
	}
	_, err = u.DownloadTarget(context.Background(), info, "")
	if !errors.Is(err, tuf.ErrLengthOrHashMismatch) {
		t.Fatalf("tampered target: %v", err)
	}
	entries, _ := os.ReadDir(cfg.TargetsDir)
	if len(entries) != 0 {
		t.Fatalf("left in the targets directory: %v", entries)
	}
}

// A server that never answers: cancelling the context ends the call promptly, with
// context.Canceled and ErrCancelled.
func TestCancelStalledTransfer(t *testing.T) {
	srv := serveRepo(t, demoRepo(t))
	release := make(chan struct{})
	defer close(release)
	srv.handle("/metadata/timestamp.json", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	u := newUpdater(t, demoConfig(t, srv))
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	err := u.Refresh(ctx)
	elapsed := time.Since(start)
	if !errors.Is(err, context.Canceled) || !errors.Is(err, tuf.ErrCancelled) {
		t.Fatalf("cancelled refresh: %v", err)
	}
	t.Logf("cancelled after 200 ms, returned after %v", elapsed)
	// libtuf asks the progress callback about once a second while a transfer stalls.
	if elapsed > 3*time.Second {
		t.Fatalf("the cancelled refresh took %v", elapsed)
	}
	// The updater stays usable.
	ctx2, cancel2 := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel2()
	err = u.Refresh(ctx2)
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, tuf.ErrCancelled) {
		t.Fatalf("refresh past its deadline: %v", err)
	}
	// A context already done: no call at all.
	if err := u.Refresh(ctx); !errors.Is(err, context.Canceled) || !errors.Is(err, tuf.ErrCancelled) {
		t.Fatalf("refresh with a done context: %v", err)
	}
}

// A server that sends a byte now and then, fast enough for the minimum speed: the transfer
// deadline (Config.Timeout) ends it with ErrSlowRetrieval.
func TestTransferDeadline(t *testing.T) {
	srv := serveRepo(t, demoRepo(t))
	srv.handle("/metadata/timestamp.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000")
		for i := 0; i < 1000; i++ {
			if _, err := w.Write([]byte(" ")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	})
	cfg := demoConfig(t, srv)
	deadline := 500 * time.Millisecond
	cfg.Timeout = &deadline
	cfg.MinSpeed = &tuf.MinSpeed{} // no minimum speed: only the deadline stops it
	u := newUpdater(t, cfg)
	if err := u.Refresh(context.Background()); !errors.Is(err, tuf.ErrSlowRetrieval) {
		t.Fatalf("dripping timestamp: %v", err)
	}
}

// A Go fetcher that waits for its context: the call ends with the context's error.
func TestCancelCustomFetcher(t *testing.T) {
	srv := serveRepo(t, demoRepo(t))
	cfg := demoConfig(t, srv)
	cfg.Fetcher = tuf.FetcherFunc(func(ctx context.Context, url string, maxLength uint64, w io.Writer) error {
		<-ctx.Done()
		return ctx.Err()
	})
	u := newUpdater(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	err := u.Refresh(ctx)
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, tuf.ErrCancelled) {
		t.Fatalf("cancelled fetcher: %v", err)
	}
}

// A cancelled target download leaves nothing at its destination: with resuming on, only
// the partial file of what arrived; with Config.NoResume, nothing at all.
func TestCancelTargetDownload(t *testing.T) {
	for _, noResume := range []bool{false, true} {
		cancelTargetDownload(t, noResume)
	}
}

func cancelTargetDownload(t *testing.T, noResume bool) {
	srv := serveRepo(t, demoRepo(t))
	srv.handle("/targets/93a92c4b9f80ef6fe400b265c6a9347652a05cb712d439e338d83f43b061811c.hello.txt",
		func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "100")
			w.Write([]byte("Hel"))
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		})
	cfg := demoConfig(t, srv)
	cfg.NoResume = noResume
	u := newUpdater(t, cfg)
	info, err := u.GetTargetInfo(context.Background(), "hello.txt")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := u.DownloadTarget(ctx, info, ""); !errors.Is(err, tuf.ErrCancelled) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("cancelled download: %v", err)
	}
	entries, _ := os.ReadDir(cfg.TargetsDir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if noResume && len(names) != 0 || !noResume && (len(names) != 1 || !strings.HasPrefix(names[0], ".hello.txt.") || !strings.HasSuffix(names[0], ".partial")) {
		t.Fatalf("NoResume %v: left in the targets directory: %v", noResume, names)
	}
}
